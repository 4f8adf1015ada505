package dev.optc.runtime.checkpoint;

import dev.optc.runtime.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: one entry per tensor, in header order, and the optional {@code __metadata__}
 * strings. Reads and writes exactly the JSON this subset needs, so the runtime carries no JSON library; the reader takes
 * any whitespace and key order, since files also come from PyTorch's {@code safetensors}.
 */
record SafetensorsHeader(List<Entry> entries, Map<String, String> metadata) {

    static final String METADATA_KEY = "__metadata__";

    /** One tensor's description: {@code begin} and {@code end} are byte offsets into the data section. */
    record Entry(String name, String dtype, int[] shape, long begin, long end) {
        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    /** The header as stored: UTF-8 JSON padded with spaces to a multiple of 8 bytes, as the reference writer does. */
    byte[] encode() {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            Json.write(METADATA_KEY, json);
            json.append(":{");
            String separator = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                Json.write(e.getKey(), json.append(separator));
                json.append(':');
                Json.write(e.getValue(), json);
                separator = ",";
            }
            json.append('}');
        }
        String separator = metadata.isEmpty() ? "" : ",";
        for (Entry e : entries) {
            Json.write(e.name(), json.append(separator));
            json.append(":{\"dtype\":");
            Json.write(e.dtype(), json);
            json.append(",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) json.append(i == 0 ? "" : ",").append(e.shape()[i]);
            json.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
            separator = ",";
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(bytes, (bytes.length + 7) & ~7);
        Arrays.fill(padded, bytes.length, padded.length, (byte) ' ');
        return padded;
    }

    /** Reads a header; every message starts with {@code file}. */
    static SafetensorsHeader parse(String json, String file) throws IOException {
        Object top;
        try {
            top = Json.parse(json);
        } catch (Json.SyntaxError e) {
            throw new IOException(file + ": invalid header JSON at character " + e.position() + ": " + e.what());
        }
        if (!(top instanceof Map<?, ?> fields)) throw new IOException(file + ": header is not a JSON object");
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> field : fields.entrySet()) {
            String name = (String) field.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(field.getValue() instanceof Map<?, ?> values)) throw new IOException(file + ": \"__metadata__\" is not a JSON object");
                for (Map.Entry<?, ?> value : values.entrySet()) {
                    if (!(value.getValue() instanceof String s)) {
                        throw new IOException(file + ": \"__metadata__\" value of \"" + value.getKey() + "\" is not a string");
                    }
                    metadata.put((String) value.getKey(), s);
                }
            } else {
                entries.add(entry(name, field.getValue(), file));
            }
        }
        return new SafetensorsHeader(List.copyOf(entries), metadata);
    }

    private static Entry entry(String name, Object value, String file) throws IOException {
        String where = file + ": tensor \"" + name + "\": ";
        if (!(value instanceof Map<?, ?> fields)) throw new IOException(where + "description is not a JSON object");
        // Unknown keys are ignored, as the reference reader does.
        if (!(fields.get("dtype") instanceof String dtype)) throw new IOException(where + "\"dtype\" is missing or not a string");
        long[] shape = integers(fields.get("shape"), -1, where + "\"shape\" must be a list of non-negative integers");
        long[] offsets = integers(fields.get("data_offsets"), 2, where + "\"data_offsets\" must be [begin, end], two non-negative integers");
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) throw new IOException(where + "dimension " + shape[i] + " is too large");
            dims[i] = (int) shape[i];
        }
        return new Entry(name, dtype, dims, offsets[0], offsets[1]);
    }

    /** A JSON list of non-negative integers, of the given length unless that is negative. */
    private static long[] integers(Object value, int length, String message) throws IOException {
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) throw new IOException(message);
        long[] result = new long[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Long n) || n < 0) throw new IOException(message);
            result[i] = n;
        }
        return result;
    }
}
