package dev.optc.runtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IdxDataTest {

    @TempDir
    Path dir;

    /** An IDX file written out by hand: 00 00 type dims, big-endian sizes, then the payload as given. */
    private static byte[] idx(int type, int[] shape, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) shape.length);
        for (int d : shape) b.putInt(d);
        return b.put(payload).array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] ubytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    /** Two 2×3 images and their labels, the MNIST way. */
    private Path images() throws IOException {
        return write("images", idx(0x08, new int[] {2, 2, 3}, ubytes(0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60)));
    }

    private Path labels(int... values) throws IOException {
        return write("labels", idx(0x08, new int[] {values.length}, ubytes(values)));
    }

    private String error(Path images, Path labels) {
        return assertThrows(DataException.class, () -> IdxData.load(images, labels, 1f)).getMessage();
    }

    @Test
    void ubyteImagesAreFlattenedPerExampleAndScaled() throws IOException {
        Path images = images();
        Dataset d = IdxData.load(images, labels(7, 2), 1f / 255);
        assertEquals(images.toString(), d.name());
        assertEquals(2, d.rows());
        assertEquals(6, d.width());
        assertEquals(8, d.classes(), "max label + 1");
        assertArrayEquals(new int[] {7, 2}, d.labels());
        float[] expected = {0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60};
        for (int i = 0; i < expected.length; i++) expected[i] /= 255;
        assertArrayEquals(expected, d.features(), 1e-7f);
    }

    @Test
    void gzipIsToldByItsMagicNotByItsName() throws IOException {
        Dataset raw = IdxData.load(images(), labels(1, 0), 1f);
        Path zipped = write("images.plain", gzip(Files.readAllBytes(images())));
        Path plainLabels = write("labels.gz", Files.readAllBytes(labels(1, 0)));
        Dataset d = IdxData.load(zipped, plainLabels, 1f);
        assertArrayEquals(raw.features(), d.features());
        assertArrayEquals(raw.labels(), d.labels());
    }

    @Test
    void everyIdxElementTypeIsReadBigEndian() throws IOException {
        Path labels = labels(0, 1);
        ByteBuffer b = ByteBuffer.allocate(8 * 4);
        assertArrayEquals(new float[] {-2, 127}, load(0x09, 1, b.put((byte) -2).put((byte) 127), labels));
        assertArrayEquals(new float[] {-300, 30000}, load(0x0B, 2, b.clear().putShort((short) -300).putShort((short) 30000), labels));
        assertArrayEquals(new float[] {-70000, 1 << 20}, load(0x0C, 4, b.clear().putInt(-70000).putInt(1 << 20), labels));
        assertArrayEquals(new float[] {1.5f, -0.25f}, load(0x0D, 4, b.clear().putFloat(1.5f).putFloat(-0.25f), labels));
        assertArrayEquals(new float[] {0.1f, 1e30f}, load(0x0E, 8, b.clear().putDouble(0.1).putDouble(1e30), labels));
    }

    private float[] load(int type, int bytes, ByteBuffer values, Path labels) throws IOException {
        Path file = write("t" + type, idx(type, new int[] {2, 1}, Arrays.copyOf(values.array(), 2 * bytes)));
        return IdxData.load(file, labels, 1f).features();
    }

    @Test
    void labelsMayBeOfAWiderIntegerType() throws IOException {
        Path labels = write("wide", idx(0x0C, new int[] {2}, ByteBuffer.allocate(8).putInt(300).putInt(4).array()));
        Dataset d = IdxData.load(images(), labels, 1f);
        assertArrayEquals(new int[] {300, 4}, d.labels());
        assertEquals(301, d.classes());
    }

    @Test
    void loadDirectoryFindsTheMnistNamesCompressedOrNot() throws IOException {
        write("t10k-images-idx3-ubyte.gz", gzip(Files.readAllBytes(images())));
        write("t10k-labels-idx1-ubyte", Files.readAllBytes(labels(3, 9)));
        Dataset d = IdxData.loadDirectory(dir, "t10k", 1f);
        assertEquals(dir.resolve("t10k-images-idx3-ubyte.gz").toString(), d.name());
        assertArrayEquals(new int[] {3, 9}, d.labels());
        assertEquals(6, d.width());

        String missing = assertThrows(DataException.class, () -> IdxData.loadDirectory(dir, "train", 1f)).getMessage();
        assertEquals(dir + ": no train images file; looked for train-images-idx3-ubyte, train-images-idx3-ubyte.gz, "
                + "train-images.idx3-ubyte, train-images.idx3-ubyte.gz", missing);
        assertEquals(dir.resolve("nope") + ": no such directory",
                assertThrows(DataException.class, () -> IdxData.loadDirectory(dir.resolve("nope"), "train", 1f)).getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path absent = dir.resolve("absent");
        assertEquals(absent + ": no such file", error(absent, labels(0, 1)));
    }

    @Test
    void badMagicSaysNotAnIdxFile() throws IOException {
        Path text = write("x.csv", "label,p0\n1,2\n".getBytes());
        assertEquals(text + ": not an IDX file: it starts with 6c 61 62 65, not 00 00 <type> <dimensions>", error(text, labels(0, 1)));
        Path badType = write("bad", idx(0x0A, new int[] {2, 1}, new byte[2]));
        assertTrue(error(badType, labels(0, 1)).startsWith(badType + ": not an IDX file: unknown element type 0x0A"));
        Path tiny = write("tiny", new byte[] {0, 0});
        assertEquals(tiny + ": not an IDX file: only 2 bytes", error(tiny, labels(0, 1)));
    }

    @Test
    void truncatedDataCountsTheWholeExamples() throws IOException {
        // 60000 images of 28x28 promised, 1234 and a half present.
        byte[] full = idx(0x08, new int[] {60000, 28, 28}, new byte[1234 * 784 + 392]);
        Path raw = write("cut", full);
        Path labels = labels(0);
        assertEquals(raw + ": truncated: header promises 60000 images of 28x28, file ends after 1234", error(raw, labels));
        Path zipped = write("cut.gz", gzip(full));
        assertEquals(zipped + ": truncated: header promises 60000 images of 28x28, file ends after 1234", error(zipped, labels));
        Path shortLabels = write("few", idx(0x08, new int[] {5}, new byte[3]));
        assertEquals(shortLabels + ": truncated: header promises 5 labels, file ends after 3", error(images(), shortLabels));
        Path header = write("header", Arrays.copyOf(full, 9));
        assertEquals(header + ": file ends inside the header", error(header, labels));
    }

    @Test
    void aGzipStreamCutShortIsReported() throws IOException {
        byte[] zipped = gzip(Files.readAllBytes(images()));
        Path cut = write("cut.gz", Arrays.copyOf(zipped, zipped.length - 12));
        String message = error(cut, labels(0, 1));
        assertTrue(message.startsWith(cut + ": "), message);
    }

    @Test
    void extraBytesAfterTheDataAreAnError() throws IOException {
        Path images = write("long", idx(0x08, new int[] {2, 2, 3}, new byte[13]));
        assertEquals(images + ": more data after the 12 values the header promises", error(images, labels(0, 1)));
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path images = images();
        Path labels = labels(0, 1, 2);
        assertEquals(labels + ": 3 labels for the 2 images of " + images, error(images, labels));
    }

    @Test
    void swappedFilesAreRecognized() throws IOException {
        Path images = images();
        Path labels = labels(0, 1);
        assertEquals(labels + ": images must have at least 2 dimensions [n, ...], found [2] (is this the labels file?)", error(labels, images));
    }

    @Test
    void labelsMustBeNonNegativeIntegers() throws IOException {
        Path negative = write("neg", idx(0x09, new int[] {2}, ubytes(1, -3)));
        assertEquals(negative + ":2: label -3 is out of range: labels are class indices 0, 1, 2, ...", error(images(), negative));
        Path floats = write("float", idx(0x0D, new int[] {2}, new byte[8]));
        assertEquals(floats + ": labels must be of an integer type, found float", error(images(), floats));
    }

    @Test
    void nonFiniteFeaturesAreNamedByRowAndColumn() throws IOException {
        ByteBuffer values = ByteBuffer.allocate(16).putFloat(0).putFloat(1).putFloat(Float.NaN).putFloat(2);
        Path images = write("nan", idx(0x0D, new int[] {2, 2}, values.array()));
        assertEquals(images + ":2:1: value NaN is not a number", error(images, labels(0, 1)));
    }

    @Test
    void badScaleIsRejected() throws IOException {
        Path images = images();
        Path labels = labels(0, 1);
        assertThrows(IllegalArgumentException.class, () -> IdxData.load(images, labels, Float.NaN));
    }

    /** The Debian package dataset-fashion-mnist, when this machine has it; it is not installed for the tests. */
    @Test
    void fashionMnistFromTheDebianPackage() {
        Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.isDirectory(fashion), "dataset-fashion-mnist is not installed");
        Dataset train = IdxData.loadDirectory(fashion, "train", 1f / 255);
        assertEquals(60000, train.rows());
        assertEquals(784, train.width());
        assertEquals(10, train.classes());
        float max = 0;
        for (float v : train.features()) max = Math.max(max, v);
        assertTrue(max > 0.99f && max <= 1f, "pixels scaled into [0, 1], max " + max);
        Dataset test = IdxData.loadDirectory(fashion, "t10k", 1f / 255);
        assertEquals(10000, test.rows());
    }
}
