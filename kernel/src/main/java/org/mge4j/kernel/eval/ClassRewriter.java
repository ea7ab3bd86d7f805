package org.mge4j.kernel.eval;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.util.function.UnaryOperator;

/**
 * Runs an ASM transformation over one class file. The kernel only adds calls that leave the operand stack and the
 * branch targets as they were, so frames are kept and nothing is recomputed.
 *
 * <p>ASM refuses class file versions newer than it knows, and the classes JShell compiles, like the JDK's own, carry
 * the running JDK's version. Such a class is read as the newest version this ASM knows and written back with its
 * own version; what the kernel adds is valid in every version, so a JDK released after this ASM still works.
 */
final class ClassRewriter {
    static final int API = Opcodes.ASM9;
    private static final int READ_AS = Opcodes.V21;

    private ClassRewriter() {
    }

    /** The class file after {@code transform} (given the writer, it returns the visitor chain to read into). */
    static byte[] rewrite(byte[] classFile, UnaryOperator<ClassVisitor> transform) {
        int major = ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
        ClassReader reader;
        try {
            reader = new ClassReader(classFile);
        } catch (IllegalArgumentException newerThanAsm) {
            byte[] readable = classFile.clone();
            readable[6] = (byte) (READ_AS >>> 8);
            readable[7] = (byte) READ_AS;
            reader = new ClassReader(readable);
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        ClassVisitor keepVersion = new ClassVisitor(API, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit((version & 0xffff0000) | major, access, name, signature, superName, interfaces);
            }
        };
        reader.accept(transform.apply(keepVersion), 0);
        return writer.toByteArray();
    }
}
