package org.mge4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mge4j.DType;
import org.mge4j.Tensor;

/** The IDX reader and the MNIST-layout folder reader on small files written here, good and broken. */
class IdxTest {
    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes: magic 00 00 08 ndim, big-endian sizes, data. */
    static byte[] idx(int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, 8, (byte) dims.length});
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    private static byte[] images(int n) {
        byte[] px = new byte[n * 28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7 + i / 784);
        }
        return px;
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    @Test
    void plainAndGzippedFilesReadToTheSameUint8Tensor() throws IOException {
        byte[] px = images(3);
        byte[] raw = idx(new int[] {3, 28, 28}, px);
        Tensor plain = Idx.read(write("plain-idx3-ubyte", raw));
        Tensor gz = Idx.read(write("gz-idx3-ubyte.gz", gzip(raw)));
        assertEquals(DType.UINT8, plain.dtype());
        assertArrayEquals(new long[] {3, 28, 28}, plain.shape());
        int[] expected = new int[px.length];
        for (int i = 0; i < px.length; i++) {
            expected[i] = px[i] & 0xff;
        }
        assertArrayEquals(expected, plain.toIntArray());
        assertArrayEquals(expected, gz.toIntArray());
    }

    @Test
    void aFileWithoutTheIdxMagicIsRefused() throws IOException {
        Path p = write("bad", new byte[] {1, 2, 8, 1, 0, 0, 0, 1, 5});
        var e = assertThrows(DatasetException.class, () -> Idx.read(p));
        assertEquals(p + " is not an IDX file: it should start with two zero bytes, a type byte and a dimension count but starts with 01 02", e.getMessage());
    }

    @Test
    void anIdxFileOfAnotherElementTypeIsRefused() throws IOException {
        Path p = write("floats", new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        var e = assertThrows(DatasetException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("element type 0x0d"), e.getMessage());
    }

    @Test
    void aTruncatedPlainFileIsRefusedBeforeAllocating() throws IOException {
        byte[] raw = idx(new int[] {2, 28, 28}, images(2));
        Path p = write("cut-idx3-ubyte", Arrays.copyOf(raw, raw.length - 100));
        var e = assertThrows(DatasetException.class, () -> Idx.read(p));
        assertEquals(p + " has 1484 bytes, but its header (2, 28, 28) needs 1584 (16 header + 1568 data): the file is truncated; download it again", e.getMessage());
    }

    @Test
    void aHeaderAnnouncingMoreThanTheFileHoldsIsRefused() throws IOException {
        Path p = write("huge-idx3-ubyte", idx(new int[] {60000, 28, 28}, images(1)));
        var e = assertThrows(DatasetException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("needs 47040016"), e.getMessage());
        Path q = write("absurd-idx3-ubyte", idx(new int[] {1 << 30, 1 << 30, 4}, new byte[0]));
        var e2 = assertThrows(DatasetException.class, () -> Idx.read(q));
        assertTrue(e2.getMessage().contains("more than one array can hold"), e2.getMessage());
        Path r = write("negative-idx1-ubyte", new byte[] {0, 0, 8, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe});
        assertTrue(assertThrows(DatasetException.class, () -> Idx.read(r)).getMessage().contains("negative size -2"));
    }

    @Test
    void trailingBytesAreRefused() throws IOException {
        byte[] raw = idx(new int[] {4}, new byte[] {1, 2, 3, 4});
        Path p = write("long-idx1-ubyte", Arrays.copyOf(raw, raw.length + 3));
        var e = assertThrows(DatasetException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("longer than its header says"), e.getMessage());
        Path g = write("long-idx1-ubyte.gz", gzip(Arrays.copyOf(raw, raw.length + 3)));
        assertTrue(assertThrows(DatasetException.class, () -> Idx.read(g)).getMessage().contains("decompresses to 15 bytes"));
    }

    @Test
    void aTruncatedGzipFileIsRefusedWithAClearMessage() throws IOException {
        byte[] gz = gzip(idx(new int[] {5, 28, 28}, images(5)));
        Path p = write("cut-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
        var e = assertThrows(DatasetException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("download it again"), e.getMessage());
        Path tiny = write("tiny.gz", new byte[] {0x1f, (byte) 0x8b, 8});
        assertTrue(assertThrows(DatasetException.class, () -> Idx.read(tiny)).getMessage().contains("truncated"));
    }

    @Test
    void aMissingFileIsNamed() {
        var e = assertThrows(DatasetException.class, () -> Idx.read(dir.resolve("nope")));
        assertEquals("IDX file not found: " + dir.resolve("nope"), e.getMessage());
    }

    private void writeMnistFolder(Path folder, int trainN, byte[] labels, boolean gz) throws IOException {
        Files.createDirectories(folder);
        byte[] x = idx(new int[] {trainN, 28, 28}, images(trainN));
        byte[] y = idx(new int[] {labels.length}, labels);
        String suffix = gz ? ".gz" : "";
        Files.write(folder.resolve("train-images-idx3-ubyte" + suffix), gz ? gzip(x) : x);
        Files.write(folder.resolve("train-labels-idx1-ubyte" + suffix), gz ? gzip(y) : y);
    }

    @Test
    void anMnistFolderReadsAsChannelFirstImagesAndInt32Labels() throws IOException {
        for (boolean gz : new boolean[] {true, false}) {
            Path folder = dir.resolve(gz ? "gz" : "plain");
            writeMnistFolder(folder, 4, new byte[] {3, 0, 9, 1}, gz);
            ArrayDataset ds = FashionMnist.train(folder);
            assertEquals(4, ds.size());
            assertArrayEquals(new long[] {4, 1, 28, 28}, ds.data().shape());
            assertEquals(DType.UINT8, ds.data().dtype());
            assertEquals(DType.INT32, ds.label().dtype());
            assertArrayEquals(new int[] {3, 0, 9, 1}, ds.label().toIntArray());
            assertEquals(images(4)[784 + 5] & 0xff, ds.get(1).data().toIntArray()[5]);
        }
    }

    @Test
    void aMissingFolderSaysHowToGetFashionMnist() {
        Path missing = dir.resolve("not-there");
        var e = assertThrows(DatasetException.class, () -> FashionMnist.train(missing));
        assertTrue(e.getMessage().startsWith("Fashion-MNIST not found: the folder " + missing + " does not exist."), e.getMessage());
        assertTrue(e.getMessage().contains("sudo apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"), e.getMessage());
    }

    @Test
    void missingFilesInAFolderAreListed() throws IOException {
        writeMnistFolder(dir, 2, new byte[] {1, 2}, true);
        var e = assertThrows(DatasetException.class, () -> Mnist.test(dir));
        assertTrue(e.getMessage().startsWith("MNIST files missing in " + dir + ": t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz). Put the MNIST files in"), e.getMessage());
    }

    @Test
    void imagesAndLabelsOfDifferentCountsAreRefused() throws IOException {
        writeMnistFolder(dir, 3, new byte[] {1, 2}, false);
        var e = assertThrows(DatasetException.class, () -> Mnist.train(dir));
        assertTrue(e.getMessage().contains("has shape (2,) but"), e.getMessage());
        assertTrue(e.getMessage().contains("holds 3 images; the files do not belong together"), e.getMessage());
    }

    @Test
    void aLabelAboveNineIsRefused() throws IOException {
        writeMnistFolder(dir, 2, new byte[] {1, 12}, false);
        var e = assertThrows(DatasetException.class, () -> Mnist.train(dir));
        assertTrue(e.getMessage().contains("has a label 12; MNIST-layout labels are 0..9"), e.getMessage());
    }
}
