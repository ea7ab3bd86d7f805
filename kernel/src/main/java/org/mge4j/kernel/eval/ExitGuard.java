package org.mge4j.kernel.eval;

import org.mge4j.kernel.io.CellThreadGroup;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Refuses {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} when cell code asks for them, so a cell
 * cannot end the kernel; the kernel's own threads still exit normally.
 *
 * <p>The JDK has no supported veto on exit any more (the SecurityManager's checkExit is gone, JEP 486), so
 * {@link #install} rewrites {@code java.lang.Runtime.exit(int)} and {@code halt(int)} through the kernel's java
 * agent: each first calls {@link #checkExit} or {@link #checkHalt}, found through the system class loader (code in
 * java.base cannot name a class of the class path). Exit is refused when the calling thread belongs to a cell
 * (its {@link CellThreadGroup}: the cell's thread and the threads it started) or when cell code is on the calling
 * stack (a virtual thread, a pool thread running a cell's lambda, a library the cell called, reflection).
 */
public final class ExitGuard {
    private static final String CELL_PACKAGE = "REPL.";
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private ExitGuard() {
    }

    /** Installs the guard; returns a warning for the kernel log when this JVM cannot have it, else null. */
    static String install(Instrumentation inst) {
        if (inst == null || !inst.isRetransformClassesSupported()) {
            return "System.exit in a cell will end the kernel: the kernel was started without its agent"
                    + " (start it with java -jar kernel.jar, as the kernelspec does)";
        }
        RuntimeRewriter rewriter = new RuntimeRewriter();
        inst.addTransformer(rewriter, true);
        try {
            inst.retransformClasses(Runtime.class);
        } catch (Exception | LinkageError e) {
            return "System.exit in a cell will end the kernel: java.lang.Runtime could not be instrumented (" + e + ")";
        } finally {
            inst.removeTransformer(rewriter);
        }
        return rewriter.guarded == 2 ? null
                : "System.exit in a cell will end the kernel: Runtime.exit/halt were not found in this JDK's Runtime";
    }

    /** Called by {@code Runtime.exit(status)} (and so {@code System.exit}) before the JVM shuts down. */
    public static void checkExit(int status) {
        refuseInCell("System.exit(" + status + ")");
    }

    /** Called by {@code Runtime.halt(status)}. */
    public static void checkHalt(int status) {
        refuseInCell("Runtime.halt(" + status + ")");
    }

    private static void refuseInCell(String call) {
        if (calledFromCell()) {
            throw new SecurityException(call + " was called in a cell and refused: the kernel keeps running with all"
                    + " its variables. To start afresh, use Kernel > Restart.");
        }
    }

    static boolean calledFromCell() {
        for (ThreadGroup g = Thread.currentThread().getThreadGroup(); g != null; g = g.getParent()) {
            if (g instanceof CellThreadGroup) {
                return true;
            }
        }
        return WALKER.walk(frames -> frames.anyMatch(f -> f.getDeclaringClass().getName().startsWith(CELL_PACKAGE)));
    }

    /** Prepends {@code ExitGuard.checkExit(status)} / {@code checkHalt(status)} to Runtime's exit and halt. */
    private static final class RuntimeRewriter implements ClassFileTransformer {
        int guarded;

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                ProtectionDomain domain, byte[] classFile) {
            if (redefined != Runtime.class) {
                return null;
            }
            try {
                return rewrite(classFile);
            } catch (RuntimeException | LinkageError e) {
                return null;                    // the JDK keeps Runtime as it is; install() reports it
            }
        }

        private byte[] rewrite(byte[] classFile) {
            return ClassRewriter.rewrite(classFile, next -> new ClassVisitor(ClassRewriter.API, next) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                    boolean exit = name.equals("exit") && descriptor.equals("(I)V");
                    boolean halt = name.equals("halt") && descriptor.equals("(I)V");
                    if (!exit && !halt) {
                        return mv;
                    }
                    guarded++;
                    return new GuardCall(mv, exit ? "checkExit" : "checkHalt");
                }
            });
        }
    }

    /**
     * {@code MethodHandles.publicLookup().findStatic(Class.forName(ExitGuard, true, systemLoader), check,
     * methodType(void, int)).invokeExact(status)}: straight-line code, so the method's frames stay valid.
     */
    private static final class GuardCall extends MethodVisitor {
        private static final int STACK = 5;
        private final String check;

        GuardCall(MethodVisitor next, String check) {
            super(ClassRewriter.API, next);
            this.check = check;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            String lookup = "java/lang/invoke/MethodHandles$Lookup";
            String classDesc = Type.getDescriptor(Class.class);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "publicLookup",
                    "()L" + lookup + ";", false);
            super.visitLdcInsn(ExitGuard.class.getName());
            super.visitInsn(Opcodes.ICONST_1);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/ClassLoader", "getSystemClassLoader",
                    "()Ljava/lang/ClassLoader;", false);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                    "(Ljava/lang/String;ZLjava/lang/ClassLoader;)" + classDesc, false);
            super.visitLdcInsn(check);
            super.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/Void", "TYPE", classDesc);
            super.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/Integer", "TYPE", classDesc);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodType", "methodType",
                    "(" + classDesc + classDesc + ")Ljava/lang/invoke/MethodType;", false);
            super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, lookup, "findStatic",
                    "(" + classDesc + "Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
                    false);
            super.visitVarInsn(Opcodes.ILOAD, 1);
            super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact", "(I)V", false);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, STACK), maxLocals);
        }
    }
}
