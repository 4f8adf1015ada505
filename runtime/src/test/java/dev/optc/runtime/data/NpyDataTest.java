package dev.optc.runtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NpyDataTest {

    @TempDir
    Path dir;

    /**
     * A .npy file as numpy.lib.format writes it: magic, version, little-endian header length (2 bytes in 1.0, 4 after),
     * the dict padded with spaces and a newline so the data starts on a multiple of 64.
     */
    private static byte[] npy(int major, String dict, byte[] payload) {
        int preamble = major == 1 ? 10 : 12;
        StringBuilder header = new StringBuilder(dict);
        while ((preamble + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        byte[] text = header.toString().getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(preamble + text.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) text.length);
        else b.putInt(text.length);
        return b.put(text).put(payload).array();
    }

    private static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path labels(long... values) throws IOException {
        ByteBuffer b = le(8 * values.length);
        for (long v : values) b.putLong(v);
        return write("y.npy", npy(1, dict("<i8", "(" + values.length + ",)"), b.array()));
    }

    private String error(Path file) {
        return assertThrows(DataException.class, () -> NpyData.read(file)).getMessage();
    }

    @Test
    void float32MatrixInCOrder() throws IOException {
        ByteBuffer b = le(24);
        for (float v : new float[] {1, 2, 3, -4, 5.5f, 6}) b.putFloat(v);
        Path file = write("x.npy", npy(1, dict("<f4", "(2, 3)"), b.array()));
        NpyData.NpyArray a = NpyData.read(file);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, -4, 5.5f, 6}, a.values());
        assertEquals(2, a.rows());
        assertEquals(3, a.width());
    }

    @Test
    void everyDtypeAndVersion() throws IOException {
        assertArrayEquals(new float[] {0.1f, -1e30f}, NpyData.read(write("f8.npy", npy(2, dict("<f8", "(2,)"),
                le(16).putDouble(0.1).putDouble(-1e30).array()))).values());
        assertArrayEquals(new float[] {0, 128, 255}, NpyData.read(write("u1.npy", npy(3, dict("|u1", "(3,)"),
                new byte[] {0, (byte) 128, (byte) 255}))).values());
        assertArrayEquals(new float[] {-7, 1L << 40}, NpyData.read(write("i8.npy", npy(1, dict("<i8", "(2,)"),
                le(16).putLong(-7).putLong(1L << 40).array()))).values());
        assertArrayEquals(new float[] {-70000, 3}, NpyData.read(write("i4.npy", npy(1, dict("<i4", "(2,)"),
                le(8).putInt(-70000).putInt(3).array()))).values());
    }

    @Test
    void headerVariantsNumpyAndPython2Wrote() throws IOException {
        // Keys in another order, double quotes, Python 2's long suffix, no trailing comma.
        String dict = "{\"shape\": (2L, 1L), \"fortran_order\": False, \"descr\": \"<u1\"}";
        NpyData.NpyArray a = NpyData.read(write("py2.npy", npy(1, dict, new byte[] {4, 5})));
        assertArrayEquals(new int[] {2, 1}, a.shape());
        assertArrayEquals(new float[] {4, 5}, a.values());
    }

    @Test
    void largeArraysCrossChunkBoundaries() throws IOException {
        int rows = 700;
        int cols = 1000; // 2.8 MB of float32: several 1 MiB chunks, the last one partial
        ByteBuffer b = le(4 * rows * cols);
        for (int i = 0; i < rows * cols; i++) b.putFloat(i % 9973 - 0.5f);
        long[] labels = new long[rows];
        for (int i = 0; i < rows; i++) labels[i] = i % 10;
        Dataset d = NpyData.load(write("x.npy", npy(1, dict("<f4", "(" + rows + ", " + cols + ")"), b.array())), labels(labels), 2f);
        assertEquals(rows, d.rows());
        assertEquals(cols, d.width());
        assertEquals(10, d.classes());
        for (int i = 0; i < rows * cols; i++) assertEquals(2 * (i % 9973 - 0.5f), d.features()[i], "value " + i);
        assertEquals(9, d.labels()[rows - 1]);
    }

    @Test
    void loadFlattensImagesAndScales() throws IOException {
        byte[] pixels = new byte[2 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 30);
        Path x = write("x.npy", npy(1, dict("|u1", "(2, 2, 2)"), pixels));
        Dataset d = NpyData.load(x, labels(1, 0), 1f / 255);
        assertEquals(x.toString(), d.name());
        assertEquals(4, d.width());
        assertEquals(2, d.classes());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        for (int i = 0; i < pixels.length; i++) assertEquals(i * 30 / 255f, d.features()[i], 1e-7f);
    }

    @Test
    void labelsMayBeFloatsHoldingWholeNumbersOrAColumn() throws IOException {
        Path x = write("x.npy", npy(1, dict("|u1", "(3,)"), new byte[3]));
        Path floats = write("yf.npy", npy(1, dict("<f8", "(3, 1)"), le(24).putDouble(2).putDouble(0).putDouble(5).array()));
        Dataset d = NpyData.load(x, floats, 1f);
        assertArrayEquals(new int[] {2, 0, 5}, d.labels());
        assertEquals(1, d.width());
        assertEquals(6, d.classes());
    }

    @Test
    void badLabelsAreNamedByRow() throws IOException {
        Path x = write("x.npy", npy(1, dict("|u1", "(2,)"), new byte[2]));
        Path fraction = write("half.npy", npy(1, dict("<f8", "(2,)"), le(16).putDouble(1).putDouble(2.5).array()));
        assertEquals(fraction + ":2: label 2.5 is not a class index 0, 1, 2, ...",
                assertThrows(DataException.class, () -> NpyData.load(x, fraction, 1f)).getMessage());
        Path negative = labels(-1, 0);
        assertEquals(negative + ":1: label -1.0 is not a class index 0, 1, 2, ...",
                assertThrows(DataException.class, () -> NpyData.load(x, negative, 1f)).getMessage());
        Path oneHot = write("onehot.npy", npy(1, dict("|u1", "(2, 3)"), new byte[6]));
        assertEquals(oneHot + ": labels must have shape (n,) or (n, 1), found (2, 3) (one-hot? save labels.argmax(axis=1) instead)",
                assertThrows(DataException.class, () -> NpyData.load(x, oneHot, 1f)).getMessage());
        Path three = labels(0, 1, 2);
        assertEquals(three + ": 3 labels for the 2 rows of " + x,
                assertThrows(DataException.class, () -> NpyData.load(x, three, 1f)).getMessage());
    }

    @Test
    void nonFiniteFeaturesAreNamedByRowAndColumn() throws IOException {
        Path x = write("x.npy", npy(1, dict("<f4", "(2, 2)"), le(16).putFloat(0).putFloat(0).putFloat(0).putFloat(Float.POSITIVE_INFINITY).array()));
        assertEquals(x + ":2:2: value Infinity is not allowed",
                assertThrows(DataException.class, () -> NpyData.load(x, labels(0, 0), 1f)).getMessage());
    }

    @Test
    void badMagicAndArchives() throws IOException {
        Path text = write("t.npy", "x,y\n1,2\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(text + ": not an .npy file (no \\x93NUMPY magic)", error(text));
        Path zip = write("a.npz", new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        assertEquals(zip + ": an .npz archive, not an .npy file; save each array with numpy.save", error(zip));
        Path absent = dir.resolve("absent.npy");
        assertEquals(absent + ": no such file", error(absent));
        byte[] future = npy(1, dict("<f4", "(1,)"), new byte[4]);
        future[6] = 4;
        assertEquals(dir.resolve("v4.npy") + ": unsupported .npy version 4.0", error(write("v4.npy", future)));
    }

    @Test
    void unsupportedDtypesAndLayouts() throws IOException {
        Path big = write("be.npy", npy(1, dict(">f4", "(1,)"), new byte[4]));
        assertEquals(big + ": big-endian dtype '>f4' is not supported; save it with arr.astype(arr.dtype.newbyteorder('<')); "
                + "supported: '<f4' (float32), '<f8' (float64), '|u1' (uint8), '<i4' (int32), '<i8' (int64)", error(big));
        Path half = write("f2.npy", npy(1, dict("<f2", "(1,)"), new byte[2]));
        assertEquals(half + ": unsupported dtype '<f2'; supported: '<f4' (float32), '<f8' (float64), '|u1' (uint8), '<i4' (int32), "
                + "'<i8' (int64)", error(half));
        Path fortran = write("f.npy", npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]));
        assertEquals(fortran + ": Fortran-order arrays are not supported; save numpy.ascontiguousarray(arr) instead", error(fortran));
        Path scalar = write("s.npy", npy(1, dict("<f4", "()"), new byte[4]));
        assertEquals(scalar + ": a 0-dimensional array; need at least one dimension", error(scalar));
        Path structured = write("rec.npy", npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]));
        assertEquals(structured + ": structured dtype [[a, <f4]] is not supported; save a plain array", error(structured));
        Path noShape = write("ns.npy", npy(1, "{'descr': '<f4', 'fortran_order': False}", new byte[0]));
        assertEquals(noShape + ": header has no 'shape'", error(noShape));
        Path garbled = write("g.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2}", new byte[16]));
        assertEquals(garbled + ": bad header at character 56: expected ',' or ')' in {'descr': '<f4', 'fortran_order': False, 'shape': (2, 2}",
                error(garbled));
    }

    @Test
    void truncatedAndOverlongFiles() throws IOException {
        byte[] full = npy(1, dict("<f4", "(60000, 784)"), new byte[1234 * 784 * 4 + 10]);
        Path cut = write("cut.npy", full);
        assertEquals(cut + ": truncated: header promises (60000, 784) <f4, file ends after 1234 rows", error(cut));
        Path header = write("h.npy", Arrays.copyOf(full, 40));
        assertEquals(header + ": truncated: file ends inside the header", error(header));
        Path twice = write("two.npy", npy(1, dict("|u1", "(3,)"), new byte[5]));
        assertEquals(twice + ": 2 bytes after the (3,) array (several arrays saved into one file?)", error(twice));
    }
}
