package org.mge4j.jit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mge4j.Tensor;
import org.mge4j.functional.F;
import org.mge4j.module.Conv2d;

/** Damaged and malicious .mge files are refused with an MgeFileException that says what is wrong, never anything else. */
class HostileMgeTest {
    private static byte[] good;
    private static int graphLength;

    @BeforeAll
    static void dumpASmallConvNet() throws Exception {
        Conv2d conv = new Conv2d(1, 2, 3);
        TracedFunction<Tensor> f = Jit.trace((Tensor x) -> F.softmax(F.flatten(F.relu(conv.call(x)), 1)),
                TraceOptions.builder().symbolic(true).captureAsConst(true).build());
        f.call(Tensor.randn(1, 1, 5, 5));
        java.nio.file.Path p = java.nio.file.Files.createTempFile("hostile", ".mge");
        f.dump(p.toString());
        good = java.nio.file.Files.readAllBytes(p);
        java.nio.file.Files.delete(p);
        graphLength = (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
        GraphInference.fromBytes("good.mge", good).run(Tensor.randn(2, 1, 5, 5));
    }

    private static String refused(byte[] bytes) {
        return assertThrows(MgeFileException.class, () -> GraphInference.fromBytes("bad.mge", bytes)).getMessage();
    }

    /** {@code bytes} with a valid checksum again, so that the graph checks themselves are reached. */
    private static byte[] resealed(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 64, bytes.length - 64);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(48, (int) crc.getValue());
        return bytes;
    }

    private static void assertMentions(String message, String... words) {
        for (String w : words) {
            assertTrue(message.contains(w), "'" + w + "' not in: " + message);
        }
    }

    @Test
    void everyTruncationIsRefused() {
        for (int n = 0; n < good.length; n += (n < 200 ? 1 : 97)) {
            assertMentions(refused(java.util.Arrays.copyOf(good, n)), "cannot load bad.mge");
        }
    }

    @Test
    void aWrongMagicANewerVersionAndUnknownFlagsAreRefusedByName() {
        byte[] b = good.clone();
        b[0] = 'X';
        assertMentions(refused(b), "magic");
        b = good.clone();
        b[8] = 2;
        assertMentions(refused(b), "format version 2", "reads version 1");
        b = good.clone();
        b[12] = 1;
        assertMentions(refused(b), "flags");
    }

    @Test
    void aFlippedWeightByteFailsTheChecksum() {
        byte[] b = good.clone();
        b[b.length - 5] ^= 0x40;
        assertMentions(refused(b), "checksum");
    }

    @Test
    void wrongSectionSizesAreRefused() {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(40, 1L << 40);
        assertMentions(refused(b), "weights section");
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(24, 1L << 40);
        assertMentions(refused(b), "graph section");
    }

    @Test
    void aHugeVarCountAHugeShapeAndABadOpIndexAreRefusedBeforeAllocating() {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(64, 0x7fffffff);
        assertMentions(refused(resealed(b)), "vars");
        // the first var is the input "arg_0" (u16 4 + 5 bytes... ) : its first dim follows name, role, dtype and rank
        b = good.clone();
        int nameLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(68);
        int dim0 = 68 + 2 + nameLen + 3;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(dim0, 1L << 40);
        assertMentions(refused(resealed(b)), "shape", "elements");
        b = good.clone();
        b[68 + 2 + nameLen + 2] = 99;   // rank
        assertMentions(refused(resealed(b)), "rank 99");
    }

    @Test
    void opsReadingUndefinedVarsOrWithUnknownCodesAreRefused() {
        // locate the op table: parse the var table the way the reader does
        ByteBuffer g = ByteBuffer.wrap(good, 64, graphLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        int nVars = g.getInt();
        for (int i = 0; i < nVars; i++) {
            g.position(g.position() + 2 + (g.getShort(g.position()) & 0xffff));
            int role = g.get();
            g.get();
            int rank = g.get();
            g.position(g.position() + 8 * rank + (role == 1 ? 16 : 0));
        }
        int opsAt = 64 + g.position();
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(opsAt + 4, (short) 999);
        assertMentions(refused(resealed(b)), "unknown op code 999");
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(opsAt + 7, nVars + 5);
        assertMentions(refused(resealed(b)), "input 0 of op 0", "there are " + nVars + " vars");
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(opsAt + 7, nVars - 1);
        assertMentions(refused(resealed(b)), "before any op writes it");
        b = good.clone();
        b[opsAt + 6] = 9;   // conv2d with 9 inputs
        assertMentions(refused(resealed(b)), "conv2d", "9 inputs");
    }

    @Test
    void randomMutationsWithAValidChecksumAreRefusedCleanlyOrLoad() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = 64 + random.nextInt(graphLength);
                b[at] = (byte) random.nextInt(256);
            }
            resealed(b);
            try {
                GraphInference.fromBytes("fuzz.mge", b);
            } catch (MgeFileException expected) {
                // refused with a message: fine
            }
        }
    }
}
