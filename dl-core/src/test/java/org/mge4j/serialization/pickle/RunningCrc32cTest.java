package org.mge4j.serialization.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Combining CRC32Cs of pieces gives exactly the CRC32C of the bytes read in one go. */
class RunningCrc32cTest {
    @Test
    void knownValueOfHello() {
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x9a71bb4c, RunningCrc32c.of(hello, 0, hello.length)); // formats.md §6.2
    }

    @Test
    void piecesAppendedInAnyMixGiveTheCrcOfTheWhole() {
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            byte[] all = new byte[r.nextInt(300_000)];
            r.nextBytes(all);
            RunningCrc32c running = new RunningCrc32c();
            int pos = 0;
            while (pos < all.length) {
                int n = Math.min(all.length - pos, r.nextBoolean() ? r.nextInt(100) : r.nextInt(150_000));
                if (r.nextBoolean()) {
                    running.update(all, pos, n);
                } else {
                    ByteBuffer piece = ByteBuffer.wrap(all, pos, n);
                    running.append(RunningCrc32c.of(piece), n, piece);
                }
                pos += n;
            }
            CRC32C direct = new CRC32C();
            direct.update(all);
            assertEquals((int) direct.getValue(), running.value(), "trial " + trial + ", " + all.length + " bytes");
            assertEquals(all.length, running.length());
        }
    }

    @Test
    void combiningWithAnEmptyPieceChangesNothing() {
        assertEquals(0x12345678, RunningCrc32c.combine(0x12345678, 0, 0));
    }
}
