package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.check.CheckedRecipe;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.ParameterSlice;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.objectweb.asm.MethodVisitor;

/**
 * Block coordinate descent in a generated minimizer: one optimizer group per block of `alternate`, each running over
 * the offsets of its block's tensors, and the constructor's {@code setBlocks(...)} that tells the runtime's driver
 * each block's ranges, steps and solver.
 */
final class BlockGroups {
    private static final String BLOCK = "dev/optc/runtime/train/ObjectiveBlock";

    private BlockGroups() {
    }

    static List<OptimizerMembers.Group> groups(CheckedRecipe recipe, ObjectiveProgram program, List<UpdateKernel> kernels) {
        if (!recipe.alternates()) return List.of(new OptimizerMembers.Group(kernels.get(0), null, null));
        List<OptimizerMembers.Group> groups = new ArrayList<>();
        for (int b = 0; b < kernels.size(); b++) {
            CheckedRecipe.Block block = recipe.blocks().get(b);
            groups.add(new OptimizerMembers.Group(kernels.get(b), block.name(), ranges(block, program)));
        }
        return List.copyOf(groups);
    }

    /** The block's tensors as sorted, merged [from, to) offset pairs. */
    static int[] ranges(CheckedRecipe.Block block, ObjectiveProgram program) {
        List<ParameterSlice> mine = program.parameters().stream().filter(p -> block.tensors().contains(p.name()))
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

    /** {@code this.setBlocks(new ObjectiveBlock[] {new ObjectiveBlock(name, ranges, steps, solver), ...})}. */
    static void setBlocks(MethodVisitor mv, CheckedRecipe recipe, ObjectiveProgram program) {
        List<CheckedRecipe.Block> blocks = recipe.blocks();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitLdcInsn(blocks.size());
        mv.visitTypeInsn(ANEWARRAY, BLOCK);
        for (int b = 0; b < blocks.size(); b++) {
            CheckedRecipe.Block block = blocks.get(b);
            mv.visitInsn(DUP);
            mv.visitLdcInsn(b);
            mv.visitTypeInsn(NEW, BLOCK);
            mv.visitInsn(DUP);
            mv.visitLdcInsn(String.join(", ", block.tensors()));
            int[] ranges = ranges(block, program);
            mv.visitLdcInsn(ranges.length);
            mv.visitIntInsn(NEWARRAY, T_INT);
            for (int r = 0; r < ranges.length; r++) {
                mv.visitInsn(DUP);
                mv.visitLdcInsn(r);
                mv.visitLdcInsn(ranges[r]);
                mv.visitInsn(IASTORE);
            }
            mv.visitLdcInsn(block.steps());
            ObjectiveClassGenerator.solver(mv, block.solver());
            mv.visitMethodInsn(INVOKESPECIAL, BLOCK, "<init>", "(Ljava/lang/String;[IILdev/optc/runtime/solvers/SolverChoice;)V", false);
            mv.visitInsn(AASTORE);
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, "dev/optc/runtime/train/CompiledObjective", "setBlocks", "([L" + BLOCK + ";)V", false);
    }
}
