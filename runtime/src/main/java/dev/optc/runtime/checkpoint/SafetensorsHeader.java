package dev.optc.runtime.checkpoint;

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
            string(json, METADATA_KEY).append(":{");
            String separator = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                string(json.append(separator), e.getKey()).append(':');
                string(json, e.getValue());
                separator = ",";
            }
            json.append('}');
        }
        String separator = metadata.isEmpty() ? "" : ",";
        for (Entry e : entries) {
            string(json.append(separator), e.name()).append(":{\"dtype\":");
            string(json, e.dtype()).append(",\"shape\":[");
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

    private static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"');
    }

    /** Reads a header; every message starts with {@code file}. */
    static SafetensorsHeader parse(String json, String file) throws IOException {
        Object top = new JsonReader(json, file).document();
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

    /**
     * A strict reader for RFC 8259 JSON giving maps (insertion-ordered), lists, strings, {@code Long} for integers,
     * {@code Double} for other numbers, booleans and null. Duplicate keys are an error: which one wins is undefined.
     */
    private static final class JsonReader {
        private final String text;
        private final String file;
        private int at;

        JsonReader(String text, String file) {
            this.text = text;
            this.file = file;
        }

        Object document() throws IOException {
            Object value = value();
            skipBlanks();
            if (at < text.length()) throw error("unexpected text after the header object");
            return value;
        }

        private Object value() throws IOException {
            skipBlanks();
            if (at >= text.length()) throw error("unexpected end of header");
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object();
                case '[' -> list();
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> object() throws IOException {
            at++;
            Map<String, Object> fields = new LinkedHashMap<>();
            skipBlanks();
            if (peek() == '}') {
                at++;
                return fields;
            }
            while (true) {
                skipBlanks();
                if (peek() != '"') throw error("expected a key in double quotes");
                int keyAt = at;
                String key = string();
                skipBlanks();
                expect(':');
                if (fields.containsKey(key)) {
                    at = keyAt;
                    throw error("duplicate key \"" + key + "\"");
                }
                fields.put(key, value());
                skipBlanks();
                if (peek() == ',') {
                    at++;
                } else {
                    expect('}');
                    return fields;
                }
            }
        }

        private List<Object> list() throws IOException {
            at++;
            List<Object> items = new ArrayList<>();
            skipBlanks();
            if (peek() == ']') {
                at++;
                return items;
            }
            while (true) {
                items.add(value());
                skipBlanks();
                if (peek() == ',') {
                    at++;
                } else {
                    expect(']');
                    return items;
                }
            }
        }

        private String string() throws IOException {
            at++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) throw error("unterminated string");
                char c = text.charAt(at++);
                if (c == '"') return out.toString();
                if (c < 0x20) {
                    at--;
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= text.length()) throw error("unterminated string");
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) throw error("incomplete \\u escape");
                        try {
                            out.append((char) Integer.parseInt(text, at, at + 4, 16));
                        } catch (NumberFormatException e) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                    }
                    default -> {
                        at -= 2;
                        throw error("unknown escape \\" + escaped);
                    }
                }
            }
        }

        private Object number() throws IOException {
            int start = at;
            if (peek() == '-') at++;
            if (peek() == '0') {
                at++;
            } else if (!digits()) {
                throw error("expected a digit");
            }
            boolean integer = true;
            if (peek() == '.') {
                at++;
                integer = false;
                if (!digits()) throw error("expected a digit after '.'");
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                integer = false;
                if (peek() == '+' || peek() == '-') at++;
                if (!digits()) throw error("expected a digit in the exponent");
            }
            String literal = text.substring(start, at);
            if (!integer) return Double.parseDouble(literal);
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException e) {
                at = start;
                throw error("integer out of range: " + literal);
            }
        }

        private boolean digits() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') at++;
            return at > start;
        }

        private Object word(String word, Object value) throws IOException {
            if (!text.startsWith(word, at)) throw error("unexpected word");
            at += word.length();
            return value;
        }

        private void expect(char c) throws IOException {
            if (peek() != c) throw error(at < text.length() ? "expected '" + c + "'" : "unexpected end of header, expected '" + c + "'");
            at++;
        }

        /** The next character, or NUL at the end, which no rule accepts. */
        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private void skipBlanks() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                at++;
            }
        }

        private IOException error(String what) {
            return new IOException(file + ": invalid header JSON at character " + (at + 1) + ": " + what);
        }
    }
}
