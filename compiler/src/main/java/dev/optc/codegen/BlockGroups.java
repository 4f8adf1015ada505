package dev.optc.codegen;

import static org.objectweb.asm.Opcodes.*;

import dev.optc.check.CheckedRecipe;
import dev.optc.ir.ObjectiveProgram;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
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
        return ParameterRanges.of(program.parameters(), p -> block.tensors().contains(p.name()));
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
            ParameterRanges.pushIntArray(mv, ranges(block, program));
            mv.visitLdcInsn(block.steps());
            ObjectiveClassGenerator.solver(mv, block.solver());
            mv.visitMethodInsn(INVOKESPECIAL, BLOCK, "<init>", "(Ljava/lang/String;[IILdev/optc/runtime/solvers/SolverChoice;)V", false);
            mv.visitInsn(AASTORE);
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, "dev/optc/runtime/train/CompiledObjective", "setBlocks", "([L" + BLOCK + ";)V", false);
    }
}
