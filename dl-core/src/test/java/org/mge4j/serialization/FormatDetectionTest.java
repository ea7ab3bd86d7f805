package org.mge4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mge4j.Mge;
import org.mge4j.Tensor;

/** {@link Serializer#detect}: a tensor-file extension decides, otherwise the first bytes do, as in {@code Mge.load}. */
class FormatDetectionTest {
    private static byte[] bytes(Object obj, Format f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Mge.save(obj, out, SaveOptions.builder().format(f).build());
        return out.toByteArray();
    }

    @Test
    void theFirstBytesDecideForPickleAndTorchNamesAndUnknownExtensions() {
        Map<String, Tensor> sd = Map.of("w", Tensor.arange(4));
        assertEquals(Format.PICKLE, Serializer.detect(Path.of("raw-pickle.pt"), bytes(sd, Format.PICKLE)));
        assertEquals(Format.TORCH, Serializer.detect(Path.of("weights.bin"), bytes(sd, Format.TORCH)));
        assertEquals(Format.NPZ, Serializer.detect(Path.of("arrays.pkl"), bytes(sd, Format.NPZ)));
        assertEquals(Format.SAFETENSORS, Serializer.detect(Path.of("model"), bytes(sd, Format.SAFETENSORS)));
        assertEquals(Format.NPY, Serializer.detect(Path.of("a.data"), bytes(Tensor.arange(3), Format.NPY)));
    }

    @Test
    void aTensorFileExtensionDecidesWhateverTheBytes() {
        assertEquals(Format.SAFETENSORS, Serializer.detect(Path.of("x.safetensors"), new byte[] {1, 2}));
        assertEquals(Format.NPZ, Serializer.detect(Path.of("x.NPZ"), new byte[0]));
    }

    @Test
    void unknownBytesAreRefusedNamingTheFile() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> Serializer.detect(Path.of("notes.txt"), "hello".getBytes()));
        assertTrue(e.getMessage().startsWith("notes.txt is not a file Mge.load knows"), e.getMessage());
    }
}
