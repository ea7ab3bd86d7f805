package org.mge4j.kernel.eval;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.HashSet;
import java.util.Set;

/**
 * Rewrites the classes JShell compiles from cells so that they can be stopped: a call to {@link CellStop#check()}
 * at the start of every method and before every jump back to an earlier instruction (every loop iteration,
 * whatever the loop's form). The call takes and leaves nothing on the operand stack and adds no branch target, so
 * the class's stack map frames and maximum stack stay valid as they are.
 */
final class CellClassWeaver {
    private static final String STOP = CellStop.class.getName().replace('.', '/');

    private CellClassWeaver() {
    }

    /** The class file with stop checks woven in. */
    static byte[] weave(byte[] classFile) {
        return ClassRewriter.rewrite(classFile, next -> new ClassVisitor(ClassRewriter.API, next) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new StopChecks(super.visitMethod(access, name, descriptor, signature, exceptions));
            }
        });
    }

    /** Adds the checks to one method body. */
    private static final class StopChecks extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();

        StopChecks(MethodVisitor next) {
            super(ClassRewriter.API, next);
        }

        private void check() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, STOP, "check", "()V", false);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            check();
        }

        @Override
        public void visitLabel(Label label) {
            seen.add(label);
            super.visitLabel(label);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            if (seen.contains(label)) {
                check();
            }
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            if (backward(dflt, labels)) {
                check();
            }
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            if (backward(dflt, labels)) {
                check();
            }
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        private boolean backward(Label dflt, Label[] labels) {
            if (seen.contains(dflt)) {
                return true;
            }
            for (Label l : labels) {
                if (seen.contains(l)) {
                    return true;
                }
            }
            return false;
        }
    }
}
