package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mge4j.Mge;
import org.mge4j.Tensor;
import org.mge4j.serialization.numpy.ArrayBytes;

/** The zip formats (.pt, .pth, .npz) already carry a CRC-32 per entry: a flipped data byte must be refused by it. */
class ZipEntryCrcTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"net.pt", "net.npz"})
    void aFlippedByteInTensorDataFailsTheEntryCrc32(String name) throws Exception {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        Tensor w = Tensor.arange(1000).mul(0.5).reshape(10, 100);
        sd.put("fc.weight", w);
        Path f = dir.resolve(name);
        Mge.save(sd, f);
        byte[] good = Files.readAllBytes(f);
        int at = indexOf(good, ArrayBytes.toBytes(w));
        assertTrue(at > 0, "the tensor's bytes are stored as they are");
        Mge.load(f);
        byte[] bad = good.clone();
        bad[at + 2001] ^= 0x10;
        Files.write(f, bad);
        SerializationException e = assertThrows(SerializationException.class, () -> Mge.load(f));
        assertTrue(e.getMessage().contains("fails its CRC-32 check"), e.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
