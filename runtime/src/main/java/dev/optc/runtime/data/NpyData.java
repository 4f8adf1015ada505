package dev.optc.runtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads NumPy's {@code .npy} files, versions 1.0, 2.0 and 3.0 (NumPy's {@code numpy.lib.format}): the magic
 * {@code \x93NUMPY}, a version, a little-endian header length, a Python dict literal giving {@code descr},
 * {@code fortran_order} and {@code shape}, then the values. Supported are C-order arrays of little-endian
 * {@code <f4 <f8 <i4 <i8} and of {@code |u1}, with at least one dimension.
 *
 * <p>Every problem is a {@link DataException} whose message starts with the file; one about a value goes on
 * {@code file:row:column:}, counting both from 1 as {@link CsvData} does, the row being the index along the first
 * dimension and the column the position within that row, flattened.
 */
public final class NpyData {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Values are decoded a chunk at a time, so a file is never held whole next to its floats. */
    private static final int CHUNK_BYTES = 1 << 20;

    private NpyData() {
    }

    /** An array's shape and its values in C order, converted to float. */
    public record NpyArray(int[] shape, float[] values) {
        /** The first dimension: examples, for a data set. */
        public int rows() {
            return shape[0];
        }

        /** Values per row, the other dimensions flattened. */
        public int width() {
            return shape[0] == 0 ? 0 : values.length / shape[0];
        }
    }

    /** The whole array as floats (int64 values beyond 2^24 are rounded, as a float cast rounds them). */
    public static NpyArray read(Path file) {
        String name = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = header(name, channel);
            float[] values = new float[header.values];
            decode(name, channel, header, (chunk, first, count) -> header.dtype.toFloats(chunk, values, first, count));
            return new NpyArray(header.shape.clone(), values);
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": no such file", e);
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * @param features an array [n, ...] of any supported dtype, flattened per example
     * @param labels   an array [n] or [n, 1] of whole non-negative numbers, the class indices
     * @param scale    multiplies every feature (1/255 for 8-bit pixels, say)
     */
    public static Dataset load(Path features, Path labels, float scale) {
        if (!Float.isFinite(scale)) throw new IllegalArgumentException("scale must be finite, got " + scale);
        NpyArray x = read(features);
        String xName = features.toString();
        String yName = labels.toString();
        int rows = x.rows();
        if (rows == 0) throw new DataException(xName + ": no examples");
        int width = x.width();
        float[] values = x.values();
        for (int i = 0; i < values.length; i++) {
            float scaled = values[i] * scale;
            if (!Float.isFinite(scaled)) {
                throw new DataException(xName + ":" + (i / width + 1) + ":" + (i % width + 1) + ": value " + values[i]
                        + (Float.isFinite(values[i]) ? " is not finite after scaling by " + scale : " is not allowed"));
            }
            values[i] = scaled;
        }
        int[] classes = labels(yName, labels, rows, xName);
        int maxLabel = -1;
        for (int c : classes) maxLabel = Math.max(maxLabel, c);
        return new Dataset(xName, values, classes, rows, width, maxLabel + 1);
    }

    /** Labels are checked as doubles, before any rounding to float could make 2.5 or 2^24 + 1 look whole. */
    private static int[] labels(String name, Path file, int rows, String featuresName) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = header(name, channel);
            int[] shape = header.shape;
            if (shape.length > 2 || (shape.length == 2 && shape[1] != 1)) {
                throw new DataException(name + ": labels must have shape (n,) or (n, 1), found " + shapeText(shape)
                        + (shape.length == 2 ? " (one-hot? save labels.argmax(axis=1) instead)" : ""));
            }
            if (shape[0] != rows) throw new DataException(name + ": " + shape[0] + " labels for the " + rows + " rows of " + featuresName);
            int[] out = new int[rows];
            double[] chunkValues = new double[Math.min(rows, CHUNK_BYTES)];
            decode(name, channel, header, (chunk, first, count) -> {
                header.dtype.toDoubles(chunk, chunkValues, count);
                for (int i = 0; i < count; i++) {
                    double v = chunkValues[i];
                    if (!(v >= 0) || v != Math.rint(v) || v >= Integer.MAX_VALUE) {
                        throw new DataException(name + ":" + (first + i + 1) + ": label " + v + " is not a class index 0, 1, 2, ...");
                    }
                    out[first + i] = (int) v;
                }
            });
            return out;
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": no such file", e);
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The element types read: NumPy's {@code descr} strings. */
    private enum Dtype {
        F4("<f4", 4), F8("<f8", 8), U1("|u1", 1), I4("<i4", 4), I8("<i8", 8);

        final String descr;
        final int bytes;

        Dtype(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        void toFloats(ByteBuffer chunk, float[] out, int first, int count) {
            switch (this) {
                case F4 -> chunk.asFloatBuffer().get(out, first, count);
                case F8 -> { for (int i = 0; i < count; i++) out[first + i] = (float) chunk.getDouble(8 * i); }
                case U1 -> { for (int i = 0; i < count; i++) out[first + i] = chunk.get(i) & 0xFF; }
                case I4 -> { for (int i = 0; i < count; i++) out[first + i] = chunk.getInt(4 * i); }
                case I8 -> { for (int i = 0; i < count; i++) out[first + i] = chunk.getLong(8 * i); }
            }
        }

        void toDoubles(ByteBuffer chunk, double[] out, int count) {
            for (int i = 0; i < count; i++) {
                out[i] = switch (this) {
                    case F4 -> chunk.getFloat(4 * i);
                    case F8 -> chunk.getDouble(8 * i);
                    case U1 -> chunk.get(i) & 0xFF;
                    case I4 -> chunk.getInt(4 * i);
                    case I8 -> chunk.getLong(8 * i);
                };
            }
        }

        static Dtype of(String name, String descr) {
            // A one-byte type has no byte order: NumPy writes '|u1', and '<u1' or '>u1' mean the same.
            if (descr.equals("<u1") || descr.equals(">u1") || descr.equals("=u1")) return U1;
            for (Dtype d : values()) if (d.descr.equals(descr)) return d;
            String supported = "'<f4' (float32), '<f8' (float64), '|u1' (uint8), '<i4' (int32), '<i8' (int64)";
            if (descr.startsWith(">")) {
                throw new DataException(name + ": big-endian dtype '" + descr + "' is not supported; save it with "
                        + "arr.astype(arr.dtype.newbyteorder('<')); supported: " + supported);
            }
            throw new DataException(name + ": unsupported dtype '" + descr + "'; supported: " + supported);
        }
    }

    private record Header(Dtype dtype, int[] shape, int values, long dataStart) {
    }

    private interface ChunkSink {
        /** {@code chunk} holds values {@code first .. first + count)} from its position 0, little-endian. */
        void accept(ByteBuffer chunk, int first, int count);
    }

    private static Header header(String name, FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer preamble = readFully(channel, 0, (int) Math.min(12, size));
        byte[] start = new byte[preamble.remaining()];
        preamble.get(start);
        if (start.length >= 4 && start[0] == 'P' && start[1] == 'K' && start[2] == 3 && start[3] == 4) {
            throw new DataException(name + ": an .npz archive, not an .npy file; save each array with numpy.save");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= start.length || start[i] != MAGIC[i]) throw new DataException(name + ": not an .npy file (no \\x93NUMPY magic)");
        }
        if (start.length < 10) throw new DataException(name + ": truncated: file ends inside the header");
        int major = start[6];
        int minor = start[7];
        if (major < 1 || major > 3) throw new DataException(name + ": unsupported .npy version " + major + "." + minor);
        ByteBuffer lengths = ByteBuffer.wrap(start).order(ByteOrder.LITTLE_ENDIAN);
        long headerStart = major == 1 ? 10 : 12;
        if (size < headerStart) throw new DataException(name + ": truncated: file ends inside the header");
        long headerLength = major == 1 ? lengths.getShort(8) & 0xFFFF : lengths.getInt(8) & 0xFFFFFFFFL;
        if (headerStart + headerLength > size) throw new DataException(name + ": truncated: file ends inside the header");
        if (headerLength > 1 << 20) throw new DataException(name + ": header of " + headerLength + " bytes; not a plain array");
        ByteBuffer text = readFully(channel, headerStart, (int) headerLength);
        // Versions 1 and 2 are Latin-1; 3 is UTF-8 (only field names of structured types need it).
        String dict = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).decode(text).toString();
        Map<String, Object> fields = new DictParser(name, dict).parse();

        Object descr = required(name, fields, "descr");
        if (!(descr instanceof String d)) throw new DataException(name + ": structured dtype " + descr + " is not supported; save a plain array");
        Dtype dtype = Dtype.of(name, d);
        if (!(required(name, fields, "fortran_order") instanceof Boolean fortran)) {
            throw new DataException(name + ": 'fortran_order' must be True or False");
        }
        if (fortran) {
            throw new DataException(name + ": Fortran-order arrays are not supported; save numpy.ascontiguousarray(arr) instead");
        }
        if (!(required(name, fields, "shape") instanceof List<?> dims)) throw new DataException(name + ": 'shape' must be a tuple");
        if (dims.isEmpty()) throw new DataException(name + ": a 0-dimensional array; need at least one dimension");
        int[] shape = new int[dims.size()];
        long values = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                throw new DataException(name + ": bad size " + dims.get(i) + " in shape " + dims);
            }
            shape[i] = (int) (long) n;
            values *= n;
            if (values > Integer.MAX_VALUE - 8) throw new DataException(name + ": shape " + shapeText(shape) + " holds more values than one array can");
        }
        long dataStart = headerStart + headerLength;
        long expected = dataStart + values * dtype.bytes;
        if (size < expected) {
            long perRow = values / Math.max(1, shape[0]) * dtype.bytes;
            long complete = perRow == 0 ? 0 : (size - dataStart) / perRow;
            throw new DataException(name + ": truncated: header promises " + shapeText(shape) + " " + dtype.descr
                    + ", file ends after " + complete + " rows");
        }
        if (size > expected) {
            throw new DataException(name + ": " + (size - expected) + " bytes after the " + shapeText(shape)
                    + " array (several arrays saved into one file?)");
        }
        return new Header(dtype, shape, (int) values, dataStart);
    }

    private static Object required(String name, Map<String, Object> fields, String key) {
        Object value = fields.get(key);
        if (value == null) throw new DataException(name + ": header has no '" + key + "'");
        return value;
    }

    /** Hands the data to {@code sink} a chunk at a time; {@link #header} has checked that the file is long enough. */
    private static void decode(String name, FileChannel channel, Header header, ChunkSink sink) throws IOException {
        int perChunk = CHUNK_BYTES / header.dtype.bytes;
        ByteBuffer chunk = ByteBuffer.allocate(perChunk * header.dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
        long at = header.dataStart;
        for (int first = 0; first < header.values; first += perChunk) {
            int count = Math.min(perChunk, header.values - first);
            chunk.clear().limit(count * header.dtype.bytes);
            while (chunk.hasRemaining()) {
                int read = channel.read(chunk, at + chunk.position());
                if (read < 0) throw new DataException(name + ": truncated: file ends early");
            }
            at += chunk.position();
            chunk.flip();
            sink.accept(chunk, first, count);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        return buffer.flip();
    }

    /** NumPy's style: (60000, 784), (5,). */
    private static String shapeText(int[] shape) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) text.append(i == 0 ? "" : ", ").append(shape[i]);
        return text.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * The subset of Python literals a header uses: a dict of string keys; strings, True, False, None, integers
     * (with Python 2's L suffix), tuples and lists. None comes back as {@link #NONE}, tuples and lists as lists.
     */
    private static final class DictParser {
        static final Object NONE = new Object();
        private final String name;
        private final String text;
        private int at;

        DictParser(String name, String text) {
            this.name = name;
            this.text = text;
        }

        Map<String, Object> parse() {
            expect('{');
            Map<String, Object> fields = new LinkedHashMap<>();
            while (!peek('}')) {
                if (!(value() instanceof String key)) throw error("keys must be strings");
                expect(':');
                fields.put(key, value());
                if (!peek('}')) separator('}');
            }
            expect('}');
            skipBlanks();
            if (at < text.length()) throw error("text after the dict");
            return fields;
        }

        private Object value() {
            skipBlanks();
            if (at >= text.length()) throw error("header ends early");
            char c = text.charAt(at);
            if (c == '\'' || c == '"') {
                int end = text.indexOf(c, at + 1);
                if (end < 0) throw error("unterminated string");
                String s = text.substring(at + 1, end);
                at = end + 1;
                return s;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                at++;
                List<Object> items = new ArrayList<>();
                while (!peek(close)) {
                    items.add(value());
                    if (!peek(close)) separator(close);
                }
                expect(close);
                return items;
            }
            if (c == '-' || Character.isDigit(c)) {
                int start = at++;
                while (at < text.length() && Character.isDigit(text.charAt(at))) at++;
                long n;
                try {
                    n = Long.parseLong(text.substring(start, at));
                } catch (NumberFormatException e) {
                    throw error("bad integer " + text.substring(start, at));
                }
                if (at < text.length() && (text.charAt(at) == 'L' || text.charAt(at) == 'l')) at++;
                return n;
            }
            for (String word : new String[] {"True", "False", "None"}) {
                if (text.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("None") ? NONE : word.equals("True");
                }
            }
            throw error("unexpected '" + c + "'");
        }

        private boolean peek(char c) {
            skipBlanks();
            return at < text.length() && text.charAt(at) == c;
        }

        private void expect(char c) {
            if (!peek(c)) throw error("expected '" + c + "'");
            at++;
        }

        private void separator(char close) {
            if (!peek(',')) throw error("expected ',' or '" + close + "'");
            at++;
        }

        private void skipBlanks() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        }

        private DataException error(String what) {
            return new DataException(name + ": bad header at character " + (at + 1) + ": " + what + " in " + text.strip());
        }
    }
}
