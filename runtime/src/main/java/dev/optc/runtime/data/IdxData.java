package dev.optc.runtime.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Loads the IDX files of MNIST and Fashion-MNIST (LeCun et al., "THE MNIST DATABASE", file formats section): a
 * big-endian header of two zero bytes, an element type, a dimension count and that many 32-bit sizes, then the values
 * in row-major order. Images are [n, rows, cols] (or any [n, ...], flattened per example), labels [n].
 * A file may be gzip-compressed; that is told by its first two bytes, not by its name.
 *
 * <p>Every problem is a {@link DataException} whose message starts with the file. Where it concerns one example it
 * goes on {@code file:row:} or {@code file:row:column:}, row being the example's number counting from 1, as in
 * {@link CsvData}, and column the value's position in the flattened example, from 1.
 */
public final class IdxData {

    /** How many bytes one value of each IDX element type takes; 0 for codes that are not IDX types. */
    private static final int[] ELEMENT_BYTES = new int[16];

    static {
        ELEMENT_BYTES[0x08] = 1; // unsigned byte
        ELEMENT_BYTES[0x09] = 1; // signed byte
        ELEMENT_BYTES[0x0B] = 2; // short
        ELEMENT_BYTES[0x0C] = 4; // int
        ELEMENT_BYTES[0x0D] = 4; // float
        ELEMENT_BYTES[0x0E] = 8; // double
    }

    private IdxData() {
    }

    /**
     * @param images an IDX file of [n, ...] values of any IDX type
     * @param labels an IDX file of [n] class indices, of an integer type
     * @param scale  multiplies every feature (1/255 for 8-bit pixels, say)
     */
    public static Dataset load(Path images, Path labels, float scale) {
        if (!Float.isFinite(scale)) throw new IllegalArgumentException("scale must be finite, got " + scale);
        Contents x = read(images, "images");
        Contents y = read(labels, "labels");
        if (x.shape.length < 2) {
            throw new DataException(x.name + ": images must have at least 2 dimensions [n, ...], found " + x.shapeText()
                    + (x.shape.length == 1 ? " (is this the labels file?)" : ""));
        }
        if (y.shape.length != 1) {
            throw new DataException(y.name + ": labels must have 1 dimension [n], found " + y.shapeText()
                    + (y.shape.length > 1 ? " (is this the images file?)" : ""));
        }
        if (y.type == 0x0D || y.type == 0x0E) throw new DataException(y.name + ": labels must be of an integer type, found " + typeName(y.type));
        int rows = x.shape[0];
        if (y.shape[0] != rows) {
            throw new DataException(y.name + ": " + y.shape[0] + " labels for the " + rows + " images of " + x.name);
        }
        if (rows == 0) throw new DataException(x.name + ": no examples");
        int width = (int) (x.values / rows);
        float[] features = features(x, scale);
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                throw new DataException(x.name + ":" + (i / width + 1) + ":" + (i % width + 1) + ": value " + element(x, i)
                        + (Float.isNaN(features[i]) ? " is not a number" : " is not finite after scaling by " + scale));
            }
        }
        int[] classes = new int[rows];
        int maxLabel = -1;
        for (int i = 0; i < rows; i++) {
            long label = (long) element(y, i);
            if (label < 0 || label >= Integer.MAX_VALUE) {
                throw new DataException(y.name + ":" + (i + 1) + ": label " + label + " is out of range: labels are class indices 0, 1, 2, ...");
            }
            classes[i] = (int) label;
            maxLabel = Math.max(maxLabel, classes[i]);
        }
        return new Dataset(x.name, features, classes, rows, width, maxLabel + 1);
    }

    /**
     * The {@code split} ("train" or "t10k") of an MNIST-style directory: {@code <split>-images-idx3-ubyte} and
     * {@code <split>-labels-idx1-ubyte}, each possibly ending in {@code .gz}; the {@code <split>-images.idx3-ubyte}
     * spelling of some mirrors is found too.
     */
    public static Dataset loadDirectory(Path dir, String split, float scale) {
        if (!Files.isDirectory(dir)) throw new DataException(dir + ": no such directory");
        return load(find(dir, split, "images", 3), find(dir, split, "labels", 1), scale);
    }

    private static Path find(Path dir, String split, String what, int dimensions) {
        List<String> tried = new ArrayList<>();
        for (String separator : new String[] {"-", "."}) {
            for (String suffix : new String[] {"", ".gz"}) {
                String name = split + "-" + what + separator + "idx" + dimensions + "-ubyte" + suffix;
                Path file = dir.resolve(name);
                if (Files.isRegularFile(file)) return file;
                tried.add(name);
            }
        }
        throw new DataException(dir + ": no " + split + " " + what + " file; looked for " + String.join(", ", tried));
    }

    /** One IDX file in memory: its header and its undecoded big-endian values. */
    private record Contents(String name, int type, int[] shape, long values, ByteBuffer data) {
        String shapeText() {
            StringBuilder text = new StringBuilder("[");
            for (int i = 0; i < shape.length; i++) text.append(i == 0 ? "" : ", ").append(shape[i]);
            return text.append(']').toString();
        }
    }

    private static Contents read(Path file, String what) {
        String name = file.toString();
        try (InputStream in = open(file)) {
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4) throw new DataException(name + ": not an IDX file: only " + magic.length + " bytes");
            int type = magic[2] & 0xFF;
            int dimensions = magic[3] & 0xFF;
            if (magic[0] != 0 || magic[1] != 0 || dimensions == 0) {
                throw new DataException(name + ": not an IDX file: it starts with " + hex(magic) + ", not 00 00 <type> <dimensions>");
            }
            if (type >= ELEMENT_BYTES.length || ELEMENT_BYTES[type] == 0) {
                throw new DataException(name + ": not an IDX file: unknown element type 0x" + String.format("%02X", type)
                        + " (known: 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)");
            }
            byte[] header = in.readNBytes(4 * dimensions);
            if (header.length < 4 * dimensions) throw new DataException(name + ": file ends inside the header");
            ByteBuffer sizes = ByteBuffer.wrap(header); // big-endian by default, as IDX is
            int[] shape = new int[dimensions];
            long values = 1;
            for (int d = 0; d < dimensions; d++) {
                shape[d] = sizes.getInt();
                if (shape[d] < 0) throw new DataException(name + ": header gives dimension " + (d + 1) + " a negative size " + shape[d]);
                values *= shape[d];
                if (values > Integer.MAX_VALUE - 8) throw new DataException(name + ": header promises more values than one array can hold");
            }
            long bytes = values * ELEMENT_BYTES[type];
            if (bytes > Integer.MAX_VALUE - 8) throw new DataException(name + ": header promises " + bytes + " bytes, more than one array can hold");
            // readNBytes grows with what arrives, so a header that lies about the size does not allocate it up front.
            byte[] data = in.readNBytes((int) bytes);
            Contents contents = new Contents(name, type, shape, values, ByteBuffer.wrap(data));
            if (data.length < bytes) throw truncated(contents, what, data.length);
            if (in.read() >= 0) throw new DataException(name + ": more data after the " + values + " values the header promises");
            return contents;
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": no such file", e);
        } catch (ZipException e) {
            throw new DataException(name + ": corrupt gzip data: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new DataException(name + ": gzip data ends early (truncated download?)", e);
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The file, decompressed if it starts with gzip's magic 1f 8b. */
    private static InputStream open(Path file) throws IOException {
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        boolean gzip = raw.read() == 0x1F && raw.read() == 0x8B;
        raw.reset();
        if (!gzip) return raw;
        try {
            return new GZIPInputStream(raw, 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /** "header promises 60000 images of 28x28, file ends after 1234": counting whole examples. */
    private static DataException truncated(Contents c, String what, int bytes) {
        int n = c.shape[0];
        StringBuilder promise = new StringBuilder().append(n).append(' ').append(what);
        for (int d = 1; d < c.shape.length; d++) promise.append(d == 1 ? " of " : "x").append(c.shape[d]);
        long perExample = c.values / Math.max(1, n) * ELEMENT_BYTES[c.type];
        long complete = perExample == 0 ? 0 : bytes / perExample;
        return new DataException(c.name + ": truncated: header promises " + promise + ", file ends after " + complete);
    }

    private static float[] features(Contents c, float scale) {
        float[] out = new float[(int) c.values];
        ByteBuffer data = c.data;
        byte[] bytes = data.array();
        switch (c.type) {
            case 0x08 -> {
                // 0..255 times scale, looked up: one multiplication per distinct value instead of one per pixel.
                float[] table = new float[256];
                for (int v = 0; v < 256; v++) table[v] = v * scale;
                for (int i = 0; i < out.length; i++) out[i] = table[bytes[i] & 0xFF];
            }
            case 0x09 -> { for (int i = 0; i < out.length; i++) out[i] = bytes[i] * scale; }
            case 0x0B -> { for (int i = 0; i < out.length; i++) out[i] = data.getShort(2 * i) * scale; }
            case 0x0C -> { for (int i = 0; i < out.length; i++) out[i] = data.getInt(4 * i) * scale; }
            case 0x0D -> { for (int i = 0; i < out.length; i++) out[i] = data.getFloat(4 * i) * scale; }
            case 0x0E -> { for (int i = 0; i < out.length; i++) out[i] = (float) (data.getDouble(8 * i) * scale); }
            default -> throw new IllegalStateException("type " + c.type);
        }
        return out;
    }

    /** One value as stored, for labels and messages. */
    private static double element(Contents c, int i) {
        ByteBuffer data = c.data;
        return switch (c.type) {
            case 0x08 -> data.get(i) & 0xFF;
            case 0x09 -> data.get(i);
            case 0x0B -> data.getShort(2 * i);
            case 0x0C -> data.getInt(4 * i);
            case 0x0D -> data.getFloat(4 * i);
            case 0x0E -> data.getDouble(8 * i);
            default -> throw new IllegalStateException("type " + c.type);
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "ubyte";
            case 0x09 -> "byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> String.format("0x%02X", type);
        };
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) text.append(text.isEmpty() ? "" : " ").append(String.format("%02x", b & 0xFF));
        return text.toString();
    }
}
