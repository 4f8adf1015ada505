package dev.optc.codegen;

/** Defines generated classes in memory, with the runtime's class loader as parent; nothing is written to disk. */
public final class GeneratedClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    public GeneratedClassLoader(ClassLoader parent) {
        super("optc-generated", parent);
    }

    public Class<?> define(GeneratedClass generated) {
        return defineClass(generated.name(), generated.bytes(), 0, generated.bytes().length);
    }
}
