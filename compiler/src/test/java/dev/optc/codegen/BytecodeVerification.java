package dev.optc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Runs ASM's {@link CheckClassAdapter#verify} (structure, then a data-flow analysis of every method with
 * {@code SimpleVerifier}) over generated classes and fails with its report when it printed anything. Types the
 * verifier must look up resolve against the runtime's classes and the other classes of the same set, which are
 * defined lazily from their bytes in a throwaway loader: nothing is written to disk.
 */
public final class BytecodeVerification {
    private BytecodeVerification() {
    }

    /** Verifies every class of a compiled recipe (or of any set of classes that refer to each other). */
    public static void verifyAll(List<GeneratedClass> classes) {
        assertFalse(classes.isEmpty(), "no generated classes to verify");
        ClassLoader loader = new InMemoryLoader(classes, BytecodeVerification.class.getClassLoader());
        for (GeneratedClass c : classes) verify(c.name(), c.bytes(), loader);
    }

    /** Verifies one class; {@code loader} resolves the types it refers to. */
    public static void verify(String name, byte[] bytes, ClassLoader loader) {
        StringWriter report = new StringWriter();
        try (PrintWriter out = new PrintWriter(report)) {
            CheckClassAdapter.verify(new ClassReader(bytes), loader, false, out);
        }
        assertEquals("", report.toString(), "CheckClassAdapter found problems in " + name);
    }

    /** Defines a class of the set only when the verifier asks for it. */
    private static final class InMemoryLoader extends ClassLoader {
        private final Map<String, byte[]> bytes = new HashMap<>();

        InMemoryLoader(List<GeneratedClass> classes, ClassLoader parent) {
            super("optc-verification", parent);
            for (GeneratedClass c : classes) bytes.put(c.name(), c.bytes());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = bytes.get(name);
            if (b == null) throw new ClassNotFoundException(name);
            return defineClass(name, b, 0, b.length);
        }
    }
}
