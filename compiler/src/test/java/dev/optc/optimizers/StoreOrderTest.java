package dev.optc.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.optc.api.CompiledRecipe;
import dev.optc.codegen.GeneratedClass;
import dev.optc.ir.UpdateKernel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The generated scalar kernel stores θ and the states in the order the rule last assigns them, as the hand-written
 * loop of the same formula does (C2 aligns the loop to one of its stores, and which one follows this order). Read
 * from the bytecode of {@code updateRange}: the array each {@code fastore} writes is the local loaded three
 * instructions before it (array, index, value); θ's array is argument 0.
 */
class StoreOrderTest {
    private static final int THETA_SLOT = 0;

    @Test
    void momentumStoresVelocityThenTheta() {
        CompiledRecipe recipe = FlatRecipe.compile(4, "momentum()");
        List<Integer> stored = storedSlots(recipe);
        assertEquals(2, stored.size(), "v and θ");
        assertEquals(THETA_SLOT, stored.get(1), "θ is stored last, after v = αv − εg: " + stored);
        assertEquals(List.of(0, UpdateKernel.THETA), recipe.updateKernel().storeOrder());
    }

    @Test
    void deltaBarDeltaStoresThetaFirstAsItsRuleAssignsIt() {
        CompiledRecipe recipe = FlatRecipe.compile(4, "delta_bar_delta()");
        List<Integer> stored = storedSlots(recipe);
        assertEquals(3, stored.size(), "θ, ε and δ̄");
        assertEquals(THETA_SLOT, stored.get(0), "θ −= εg comes first in the rule: " + stored);
        assertEquals(List.of(UpdateKernel.THETA, 0, 1), recipe.updateKernel().storeOrder());
    }

    @Test
    void adamStoresItsMomentsThenTheta() {
        assertEquals(List.of(0, 1, UpdateKernel.THETA), FlatRecipe.compile(4, "adam()").updateKernel().storeOrder());
    }

    private static List<Integer> storedSlots(CompiledRecipe recipe) {
        GeneratedClass scalar = recipe.generatedClasses().stream().filter(c -> c.name().endsWith("$ScalarUpdate")).findFirst()
                .orElseThrow();
        ClassNode node = new ClassNode();
        new ClassReader(scalar.bytes()).accept(node, 0);
        MethodNode update = node.methods.stream().filter(m -> m.name.equals("updateRange")).findFirst().orElseThrow();
        List<Integer> slots = new ArrayList<>();
        for (AbstractInsnNode insn = update.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn.getOpcode() != Opcodes.FASTORE) continue;
            AbstractInsnNode array = insn.getPrevious().getPrevious().getPrevious();
            slots.add(((VarInsnNode) array).var);
        }
        return slots;
    }
}
