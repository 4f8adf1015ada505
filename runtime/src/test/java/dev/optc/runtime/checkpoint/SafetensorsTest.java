package dev.optc.runtime.checkpoint;

import dev.optc.runtime.checkpoint.Safetensors.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    @TempDir
    Path dir;

    // ---- the oracle: the format written out by hand, independent of the code under test ----

    private static void u64(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
    }

    private static byte[] f32(float... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        }
        return out.toByteArray();
    }

    private static byte[] f64(double... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (double v : values) u64(out, Double.doubleToRawLongBits(v));
        return out.toByteArray();
    }

    private static byte[] u16(int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int v : values) {
            out.write(v);
            out.write(v >>> 8);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** A file made of the length prefix, the header exactly as given, and the data bytes. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u64(out, json.length);
        out.writeBytes(json);
        out.writeBytes(data);
        return Files.write(dir.resolve("t.safetensors"), out.toByteArray());
    }

    /** Reads {@code file} expecting failure; returns the message with the directory cut off. */
    private String error(Path file) {
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(file));
        String prefix = dir + File.separator;
        assertTrue(e.getMessage().startsWith(prefix), () -> "names the file: " + e.getMessage());
        return e.getMessage().substring(prefix.length());
    }

    private String error(String header, byte[] data) throws IOException {
        return error(file(header, data));
    }

    private static Map<String, Tensor> ordered(Object... nameTensorPairs) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < nameTensorPairs.length; i += 2) tensors.put((String) nameTensorPairs[i], (Tensor) nameTensorPairs[i + 1]);
        return tensors;
    }

    private List<Path> directoryListing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    // ---- writing ----

    @Test
    void roundTripKeepsOrderShapesValuesAndMetadata() throws IOException {
        float[] big = new float[100_003];
        for (int i = 0; i < big.length; i++) big[i] = (float) Math.sin(i) * 1e3f;
        Map<String, Tensor> tensors = ordered(
                "layer2.weight", new Tensor(new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, Float.MAX_VALUE}),
                "layer1.bias", new Tensor(new int[] {4}, new float[] {0.1f, 0.2f, 0.3f, 0.4f}),
                "step", new Tensor(new int[0], new float[] {7}),
                "empty", new Tensor(new int[] {0, 5}, new float[0]),
                "big \"quoted\" \u00e9", new Tensor(new int[] {big.length}, big));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("recipe", "sgd.opt");
        metadata.put("note", "tab\there, newline\nthere, \"quotes\", backslash \\, \u0001");
        Path file = dir.resolve("model.safetensors");

        Safetensors.write(file, tensors, metadata);
        Checkpoint back = Safetensors.read(file);

        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        assertEquals(tensors, back.tensors());
        assertEquals(metadata, back.metadata());
        assertEquals(List.of(file), directoryListing(), "no temporary file left behind");
    }

    @Test
    void writtenBytesFollowTheSpecification() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Safetensors.write(file, ordered(
                "w", new Tensor(new int[] {2}, new float[] {1.5f, -2f}),
                "b", new Tensor(new int[] {1, 1}, new float[] {0.25f})), Map.of("epoch", "3"));

        byte[] bytes = Files.readAllBytes(file);
        long n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | (bytes[i] & 0xff);
        String expectedJson = "{\"__metadata__\":{\"epoch\":\"3\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";
        int padding = (8 - expectedJson.length() % 8) % 8;
        assertEquals(expectedJson.length() + padding, n, "little-endian u64 header length, padded to 8 bytes");
        assertEquals(8 + n + 12, bytes.length);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals(expectedJson + " ".repeat(padding), header, "the JSON, then spaces");
        assertArrayEquals(f32(1.5f, -2f, 0.25f), Arrays.copyOfRange(bytes, 8 + (int) n, bytes.length), "little-endian floats in order");
    }

    /**
     * Batch norm's num_batches_tracked is an int64 scalar in PyTorch. I64 data goes first, so with the header padded to
     * 8 bytes every int64 starts 8-byte aligned in the file; shape [] is a scalar; float tensors follow, contiguous.
     */
    @Test
    void int64CountersAreWrittenFirstAlignedAndLittleEndian() throws IOException {
        Path file = dir.resolve("bn.safetensors");
        Map<String, LongTensor> counters = new LinkedHashMap<>();
        counters.put("bn.num_batches_tracked", LongTensor.scalar(0x0102030405060708L));
        Safetensors.write(file, ordered("bn.weight", new Tensor(new int[] {3}, new float[] {1, 2, 3})), counters,
                Map.of("format", "pt"));

        byte[] bytes = Files.readAllBytes(file);
        long n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | (bytes[i] & 0xff);
        String expectedJson = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"bn.weight\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]}}";
        int padding = (8 - expectedJson.length() % 8) % 8;
        assertEquals(0, n % 8, "the header length keeps the data 8-byte aligned");
        assertEquals(expectedJson + " ".repeat(padding), new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals(8 + n + 8 + 12, bytes.length, "nothing after the last tensor");
        ByteArrayOutputStream counter = new ByteArrayOutputStream();
        u64(counter, 0x0102030405060708L);
        assertArrayEquals(concat(counter.toByteArray(), f32(1, 2, 3)), Arrays.copyOfRange(bytes, 8 + (int) n, bytes.length));

        Checkpoint back = Safetensors.read(file);
        assertEquals(counters, back.integers());
        assertEquals(List.of("bn.weight"), List.copyOf(back.tensors().keySet()), "int64 tensors are kept apart from floats");
    }

    /** PyTorch's own writer may put the counter anywhere, unaligned after an odd number of floats: still read. */
    @Test
    void readsAnInt64CounterAfterFloats() throws IOException {
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]}}";
        ByteArrayOutputStream counter = new ByteArrayOutputStream();
        u64(counter, 45L);
        Checkpoint c = Safetensors.read(file(json, concat(f32(0.5f), counter.toByteArray())));
        assertEquals(LongTensor.scalar(45), c.integers().get("n"));
        assertEquals(new Tensor(new int[] {1}, new float[] {0.5f}), c.tensors().get("w"));
    }

    @Test
    void noMetadataMeansNoMetadataKey() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, ordered("x", new Tensor(new int[] {1}, new float[] {1})), null);
        String header = new String(Files.readAllBytes(file), 8, 40, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"x\":{"), header);
        assertEquals(Map.of(), Safetensors.read(file).metadata());
    }

    @Test
    void emptyCheckpointRoundTrips() throws IOException {
        Path file = dir.resolve("e.safetensors");
        Safetensors.write(file, Map.of(), Map.of());
        assertEquals(16, Files.size(file), "length prefix and \"{}\" padded to 8");
        assertEquals(Map.of(), Safetensors.read(file).tensors());
    }

    @Test
    void tensorShapeMustMatchItsData() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {2, 3}, new float[5]));
        assertEquals("shape [2, 3] holds 6 elements, data has 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {-1}, new float[0]));
        int[] shape = {2};
        Tensor t = new Tensor(shape, new float[2]);
        shape[0] = 3;
        t.shape()[0] = 4;
        assertArrayEquals(new int[] {2}, t.shape(), "the shape cannot be changed from outside");
    }

    @Test
    void failedWriteLeavesTheOldFileUntouched() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, ordered("w", new Tensor(new int[] {1}, new float[] {42})), Map.of());
        byte[] good = Files.readAllBytes(file);

        Map<String, Tensor> bad = ordered("w", new Tensor(new int[] {1}, new float[] {1}), "__metadata__", new Tensor(new int[] {1}, new float[] {2}));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file, bad, Map.of()));

        assertArrayEquals(good, Files.readAllBytes(file));
        assertEquals(List.of(file), directoryListing());
    }

    @Test
    void failedRenameDeletesTheTemporaryFile() throws IOException {
        // A non-empty directory under the final name: everything is written, then the rename fails.
        Path target = Files.createDirectory(dir.resolve("model.safetensors"));
        Path inside = Files.writeString(target.resolve("keep"), "x");
        assertThrows(IOException.class, () -> Safetensors.write(target, ordered("w", new Tensor(new int[] {1}, new float[] {1})), Map.of()));
        assertEquals(List.of(target), directoryListing(), "no temporary file left behind");
        assertEquals("x", Files.readString(inside));
    }

    @Test
    void overwritingReplacesTheWholeFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        float[] many = new float[1000];
        Safetensors.write(file, ordered("w", new Tensor(new int[] {1000}, many)), Map.of());
        Safetensors.write(file, ordered("v", new Tensor(new int[] {1}, new float[] {3})), Map.of());
        assertEquals(Map.of("v", new Tensor(new int[] {1}, new float[] {3})), Safetensors.read(file).tensors());
        assertEquals(List.of(file), directoryListing());
    }

    // ---- reading files from elsewhere ----

    @Test
    void readsAHeaderWithWhitespaceReorderedKeysMetadataAndPadding() throws IOException {
        // Header order differs from data order, keys are in another order, metadata comes last; padded to 8 bytes.
        String json = "{\n  \"b\" : { \"data_offsets\" : [ 8 , 24 ] ,\t\"shape\": [2], \"dtype\":\"F64\" },\r\n"
                + "  \"a\": {\"shape\":[ 2 ],\"dtype\" :\"F32\",\"data_offsets\":[0,8]},\n"
                + "  \"__metadata__\": {\"format\": \"pt\", \"esc\\u00e9\": \"a\\\"b\\\\c\\/d\"}\n}";
        int padded = (json.getBytes(StandardCharsets.UTF_8).length + 7) & ~7;
        json = json + " ".repeat(padded - json.getBytes(StandardCharsets.UTF_8).length);
        Checkpoint c = Safetensors.read(file(json, concat(f32(1, 2), f64(0.5, -1e-3))));

        assertEquals(List.of("a", "b"), List.copyOf(c.tensors().keySet()), "in the order of the data in the file");
        assertEquals(new Tensor(new int[] {2}, new float[] {1, 2}), c.tensors().get("a"));
        assertEquals(new Tensor(new int[] {2}, new float[] {0.5f, (float) -1e-3}), c.tensors().get("b"), "F64 converted to float");
        assertEquals(Map.of("format", "pt", "esc\u00e9", "a\"b\\c/d"), c.metadata());
    }

    @Test
    void readsHalfPrecision() throws IOException {
        // 1.5 is 0x3E00 in IEEE half precision and 0x3FC0 in bfloat16; -2 is 0xC000 in both.
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"g\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}";
        Checkpoint c = Safetensors.read(file(json, u16(0x3E00, 0xC000, 0x3FC0, 0xC000)));
        assertArrayEquals(new float[] {1.5f, -2f}, c.tensors().get("h").data());
        assertArrayEquals(new float[] {1.5f, -2f}, c.tensors().get("g").data());
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, ordered("w", new Tensor(new int[] {3}, new float[] {1, 2, 3})), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 2));
        assertEquals("t.safetensors: truncated: header promises 12 data bytes, file has 10", error(file));
    }

    @Test
    void tooShortOrOversizedHeaderLength() throws IOException {
        Path file = Files.write(dir.resolve("t.safetensors"), new byte[] {1, 0, 0});
        assertEquals("t.safetensors: 3 bytes, too short for a safetensors file (the header length alone is 8)", error(file));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u64(out, 1000);
        out.writeBytes("{}".getBytes(StandardCharsets.UTF_8));
        Files.write(file, out.toByteArray());
        assertEquals("t.safetensors: header length 1000 is larger than the file (10 bytes)", error(file));

        out.reset();
        u64(out, -1);
        Files.write(file, out.toByteArray());
        assertEquals("t.safetensors: header length 18446744073709551615 is larger than the file (8 bytes)", error(file));
    }

    @Test
    void invalidJsonIsRejectedWithItsPosition() throws IOException {
        assertEquals("t.safetensors: invalid header JSON at character 6: expected ':'", error("{\"a\" 1}", new byte[0]));
        assertEquals("t.safetensors: invalid header JSON at character 1: unexpected character 'x'", error("x", new byte[0]));
        assertEquals("t.safetensors: invalid header JSON at character 4: unexpected text after the value", error("{} x", new byte[0]));
        assertEquals("t.safetensors: invalid header JSON at character 2: expected a key in double quotes", error("{,}", new byte[0]));
        assertEquals("t.safetensors: invalid header JSON at character 2: unterminated string", error("\"", new byte[0]));
        assertEquals("t.safetensors: invalid header JSON at character 16: duplicate key \"a\"", error("{\"a\":{},\"b\":{},\"a\":{}}", new byte[0]));
        assertEquals("t.safetensors: header is not a JSON object", error("[]", new byte[0]));
    }

    @Test
    void badTensorDescriptionsAreRejected() throws IOException {
        assertEquals("t.safetensors: tensor \"w\": unknown dtype \"F33\"",
                error("{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1)));
        assertEquals("t.safetensors: tensor \"w\": dtype I32 is not supported: optc reads F32, F64, F16, BF16 and I64",
                error("{\"w\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f64(1)));
        assertEquals("t.safetensors: tensor \"w\": \"dtype\" is missing or not a string",
                error("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1)));
        assertEquals("t.safetensors: tensor \"w\": \"shape\" must be a list of non-negative integers",
                error("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", f32(1)));
        assertEquals("t.safetensors: tensor \"w\": \"data_offsets\" must be [begin, end], two non-negative integers",
                error("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", f32(1)));
        assertEquals("t.safetensors: \"__metadata__\" value of \"epoch\" is not a string",
                error("{\"__metadata__\":{\"epoch\":3}}", new byte[0]));
    }

    @Test
    void shapeMustMatchTheOffsets() throws IOException {
        assertEquals("t.safetensors: tensor \"w\": shape [2, 2] of F32 needs 16 bytes, data_offsets [0, 12] hold 12",
                error("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", f32(1, 2, 3)));
        assertEquals("t.safetensors: tensor \"w\": data_offsets [8, 4] end before they begin",
                error("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", f32(1, 2)));
    }

    @Test
    void offsetsMustTileTheDataExactly() throws IOException {
        assertEquals("t.safetensors: tensors \"a\" [0, 8] and \"b\" [4, 8] overlap",
                error("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", f32(1, 2)));
        assertEquals("t.safetensors: 4 unused bytes before tensor \"a\" [4, 8]",
                error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", f32(1, 2)));
        assertEquals("t.safetensors: 4 bytes after the last tensor: header promises 4 data bytes, file has 8",
                error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1, 2)));
        assertEquals("t.safetensors: truncated: header promises 400 data bytes, file has 8",
                error("{\"a\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", f32(1, 2)));
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.safetensors");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Safetensors.read(file));
        assertEquals(file + ": no such file", e.getMessage());
    }
}
