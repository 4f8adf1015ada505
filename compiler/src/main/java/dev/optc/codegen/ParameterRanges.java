package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.IASTORE;
import static org.objectweb.asm.Opcodes.NEWARRAY;
import static org.objectweb.asm.Opcodes.T_INT;

import dev.optc.ir.ParameterSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.objectweb.asm.MethodVisitor;

/** Where in the flat parameter buffer some tensors lie, and how generated code gets such constants. */
final class ParameterRanges {
    private ParameterRanges() {
    }

    /** The chosen tensors as sorted [from, to) offset pairs, adjacent tensors merged into one range. */
    static int[] of(List<ParameterSlice> parameters, Predicate<ParameterSlice> chosen) {
        List<ParameterSlice> mine = parameters.stream().filter(chosen)
                .sorted(Comparator.comparingInt(ParameterSlice::offset)).toList();
        List<Integer> ranges = new ArrayList<>();
        for (ParameterSlice p : mine) {
            int last = ranges.size() - 1;
            if (last > 0 && ranges.get(last) == p.offset()) ranges.set(last, p.offset() + p.size());
            else {
                ranges.add(p.offset());
                ranges.add(p.offset() + p.size());
            }
        }
        return ranges.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Leaves a new {@code int[]} holding {@code values} on the operand stack. */
    static void pushIntArray(MethodVisitor mv, int[] values) {
        mv.visitLdcInsn(values.length);
        mv.visitIntInsn(NEWARRAY, T_INT);
        for (int i = 0; i < values.length; i++) {
            mv.visitInsn(DUP);
            mv.visitLdcInsn(i);
            mv.visitLdcInsn(values[i]);
            mv.visitInsn(IASTORE);
        }
    }
}
