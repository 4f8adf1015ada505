package dev.optc.runtime.checkpoint;

import dev.optc.runtime.checkpoint.SafetensorsHeader.Entry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Checkpoints in the safetensors format (github.com/huggingface/safetensors): an 8-byte little-endian header length N,
 * N bytes of UTF-8 JSON header, then every tensor's little-endian bytes back to back, at the header's
 * {@code data_offsets} counted from the end of the header.
 *
 * <p>Writes are F32 (and I64 for counters) and atomic. Reads take F32, F64, F16 and BF16, converting to float, and I64
 * as longs, and check the whole layout as
 * the reference reader does (offsets contiguous from 0, nothing after the last tensor). A malformed file is an
 * {@link IOException} whose message starts with the file name, as a corrupt zip is a {@code ZipException}: to the
 * caller a bad checkpoint and an unreadable one are the same failure.
 */
public final class Safetensors {

    /** The reference reader's limit; a larger length is corruption, not a header. */
    private static final long MAX_HEADER_BYTES = 100_000_000;
    /** I/O buffer size, a multiple of every element size so no element straddles two reads. */
    private static final int CHUNK = 1 << 16;
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Safetensors() {
    }

    /**
     * What a checkpoint file holds: the float tensors in the order of their data in the file, the header's metadata,
     * and the int64 tensors (counters such as batch norm's {@code num_batches_tracked}).
     */
    public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, LongTensor> integers) {
    }

    /**
     * Writes the tensors, in the map's iteration order, and the metadata (null for none) as F32.
     *
     * <p>The bytes go to {@code <name>.tmp-<random>} in the same directory, are forced to disk, and only then is that
     * file renamed over {@code file}; on any failure it is deleted. A crash mid-write therefore leaves either the old
     * file or the new one under the final name, never a truncated one.
     *
     * @throws IllegalArgumentException if a tensor is named {@code __metadata__}, before anything is written
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, Map.of(), metadata);
    }

    /**
     * Writes float tensors as F32 and {@code integers} as I64, the integers first: data starts 8-byte aligned, so
     * every int64 is aligned too and readers that map the file can view it in place.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, LongTensor> integers,
                             Map<String, String> metadata) throws IOException {
        Map<String, String> strings = metadata == null ? Map.of() : metadata;
        strings.forEach((key, value) -> {
            Objects.requireNonNull(key, "metadata key");
            Objects.requireNonNull(value, () -> "metadata value of " + key);
        });
        List<Entry> entries = new ArrayList<>();
        List<float[]> data = new ArrayList<>();
        List<long[]> longs = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, LongTensor> e : integers.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            LongTensor tensor = Objects.requireNonNull(e.getValue(), () -> "tensor " + name);
            if (name.equals(SafetensorsHeader.METADATA_KEY) || tensors.containsKey(name)) {
                throw new IllegalArgumentException(file + ": \"" + name + "\" names metadata or another tensor");
            }
            long bytes = (long) Long.BYTES * tensor.data().length;
            entries.add(new Entry(name, "I64", tensor.shape(), offset, offset + bytes));
            longs.add(tensor.data());
            offset += bytes;
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            Tensor tensor = Objects.requireNonNull(e.getValue(), () -> "tensor " + name);
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException(file + ": \"" + name + "\" is reserved for metadata and cannot name a tensor");
            }
            long bytes = (long) Float.BYTES * tensor.data().length;
            entries.add(new Entry(name, "F32", tensor.shape(), offset, offset + bytes));
            data.add(tensor.data());
            offset += bytes;
        }
        byte[] header = new SafetensorsHeader(entries, strings).encode();

        Path directory = file.toAbsolutePath().getParent();
        Path temp = directory.resolve(file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                buffer.putLong(header.length).flip();
                writeFully(out, buffer);
                writeFully(out, ByteBuffer.wrap(header));
                for (long[] values : longs) {
                    for (int i = 0; i < values.length; i += CHUNK / Long.BYTES) {
                        int count = Math.min(CHUNK / Long.BYTES, values.length - i);
                        buffer.clear();
                        buffer.asLongBuffer().put(values, i, count);
                        buffer.limit(count * Long.BYTES);
                        writeFully(out, buffer);
                    }
                }
                int perChunk = CHUNK / Float.BYTES;
                for (float[] values : data) {
                    for (int i = 0; i < values.length; i += perChunk) {
                        int count = Math.min(perChunk, values.length - i);
                        buffer.clear();
                        buffer.asFloatBuffer().put(values, i, count);
                        buffer.limit(count * Float.BYTES);
                        writeFully(out, buffer);
                    }
                }
                out.force(true);
            }
            // Same directory, so the same file system: the rename is atomic and replaces the old file in one step.
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        syncDirectory(directory);
    }

    /** Reads every tensor and the metadata, checking the layout first; see the class comment for what is accepted. */
    public static Checkpoint read(Path file) throws IOException {
        String name = file.toString();
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(name, null, "no such file");
        }
        try (FileChannel in = channel) {
            long size = in.size();
            if (size < 8) throw new IOException(name + ": " + size + " bytes, too short for a safetensors file (the header length alone is 8)");
            long headerBytes = readFully(in, 0, 8, name).getLong();
            if (Long.compareUnsigned(headerBytes, size - 8) > 0) {
                throw new IOException(name + ": header length " + Long.toUnsignedString(headerBytes) + " is larger than the file (" + size + " bytes)");
            }
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new IOException(name + ": header length " + headerBytes + " is over the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder().decode(readFully(in, 8, (int) headerBytes, name)).toString();
            } catch (CharacterCodingException e) {
                throw new IOException(name + ": header is not valid UTF-8", e);
            }
            SafetensorsHeader header = SafetensorsHeader.parse(json, name);
            long dataStart = 8 + headerBytes;
            List<Entry> order = layout(header.entries(), size - dataStart, name);

            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, LongTensor> integers = new LinkedHashMap<>();
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : order) {
                if (e.dtype().equals("I64")) integers.put(e.name(), new LongTensor(e.shape(), longValues(in, dataStart, e, buffer, name)));
                else tensors.put(e.name(), new Tensor(e.shape(), values(in, dataStart, e, buffer, name)));
            }
            return new Checkpoint(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(header.metadata()),
                    Collections.unmodifiableMap(integers));
        }
    }

    /**
     * Checks every entry against its dtype and shape and the entries against each other and the data section; returns
     * them in data order (header order among empty tensors at the same offset).
     */
    private static List<Entry> layout(List<Entry> entries, long dataBytes, String file) throws IOException {
        long promised = 0;
        for (Entry e : entries) {
            String where = file + ": tensor \"" + e.name() + "\": ";
            int size = elementBytes(e.dtype(), where);
            long elements = 1;
            for (int d : e.shape()) elements = Math.min(elements * d, MAX_ELEMENTS + 1L);
            if (elements > MAX_ELEMENTS) throw new IOException(where + "shape " + Arrays.toString(e.shape()) + " has too many elements for one array");
            if (e.begin() > e.end()) throw new IOException(where + "data_offsets " + e.offsets() + " end before they begin");
            long needed = elements * size;
            if (e.end() - e.begin() != needed) {
                throw new IOException(where + "shape " + Arrays.toString(e.shape()) + " of " + e.dtype() + " needs " + needed
                        + " bytes, data_offsets " + e.offsets() + " hold " + (e.end() - e.begin()));
            }
            promised = Math.max(promised, e.end());
        }
        if (promised > dataBytes) throw new IOException(file + ": truncated: header promises " + promised + " data bytes, file has " + dataBytes);

        List<Entry> order = new ArrayList<>(entries);
        order.sort(Comparator.comparingLong(Entry::begin));
        long next = 0;
        Entry previous = null;
        for (Entry e : order) {
            if (e.begin() < next) {
                throw new IOException(file + ": tensors \"" + previous.name() + "\" " + previous.offsets() + " and \"" + e.name() + "\" "
                        + e.offsets() + " overlap");
            }
            if (e.begin() > next) throw new IOException(file + ": " + (e.begin() - next) + " unused bytes before tensor \"" + e.name() + "\" " + e.offsets());
            next = e.end();
            previous = e;
        }
        if (next < dataBytes) {
            throw new IOException(file + ": " + (dataBytes - next) + " bytes after the last tensor: header promises " + next + " data bytes, file has " + dataBytes);
        }
        return order;
    }

    private static int elementBytes(String dtype, String where) throws IOException {
        return switch (dtype) {
            case "F32" -> 4;
            case "F64", "I64" -> 8;
            case "F16", "BF16" -> 2;
            case "BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "U64", "C64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2" ->
                    throw new IOException(where + "dtype " + dtype + " is not supported: optc reads F32, F64, F16, BF16 and I64");
            default -> throw new IOException(where + "unknown dtype \"" + dtype + "\"");
        };
    }

    /** An I64 tensor's elements; the layout check has already matched its byte span to its shape. */
    private static long[] longValues(FileChannel in, long dataStart, Entry e, ByteBuffer buffer, String file) throws IOException {
        long[] values = new long[(int) ((e.end() - e.begin()) / Long.BYTES)];
        long position = dataStart + e.begin();
        for (int filled = 0; filled < values.length; ) {
            int count = Math.min(CHUNK / Long.BYTES, values.length - filled);
            buffer.clear().limit(count * Long.BYTES);
            fill(in, buffer, position, file);
            buffer.flip();
            position += (long) count * Long.BYTES;
            buffer.asLongBuffer().get(values, filled, count);
            filled += count;
        }
        return values;
    }

    /** One tensor's elements as floats; the layout check has already matched its byte span to its dtype and shape. */
    private static float[] values(FileChannel in, long dataStart, Entry e, ByteBuffer buffer, String file) throws IOException {
        int size = elementBytes(e.dtype(), file);
        float[] values = new float[(int) ((e.end() - e.begin()) / size)];
        long position = dataStart + e.begin();
        for (int filled = 0; filled < values.length; ) {
            int count = Math.min(CHUNK / size, values.length - filled);
            buffer.clear().limit(count * size);
            fill(in, buffer, position, file);
            buffer.flip();
            position += (long) count * size;
            switch (e.dtype()) {
                case "F32" -> buffer.asFloatBuffer().get(values, filled, count);
                case "F64" -> {
                    for (int i = 0; i < count; i++) values[filled + i] = (float) buffer.getDouble();
                }
                case "F16" -> {
                    for (int i = 0; i < count; i++) values[filled + i] = Float.float16ToFloat(buffer.getShort());
                }
                // bfloat16 is the high half of a float32.
                case "BF16" -> {
                    for (int i = 0; i < count; i++) values[filled + i] = Float.intBitsToFloat((buffer.getShort() & 0xffff) << 16);
                }
                default -> throw new IllegalStateException(e.dtype());
            }
            filled += count;
        }
        return values;
    }

    private static ByteBuffer readFully(FileChannel in, long position, int length, String file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        fill(in, buffer, position, file);
        return buffer.flip();
    }

    private static void fill(FileChannel in, ByteBuffer buffer, long position, String file) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = in.read(buffer, at);
            // The size was checked up front, so only a file shrinking under us ends early.
            if (read < 0) throw new IOException(file + ": truncated while reading at byte " + at);
            at += read;
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) out.write(buffer);
    }

    /**
     * Makes the rename durable: on POSIX file systems a new directory entry survives a power cut only once the
     * directory itself is synced. Best effort, as some platforms (Windows) cannot open a directory for this.
     */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // The file is complete and in place; only its survival across a power cut is less certain.
        }
    }
}
