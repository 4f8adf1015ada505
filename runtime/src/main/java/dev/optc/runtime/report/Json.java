package dev.optc.runtime.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough JSON (RFC 8259) for run logs, so the runtime needs no library. Values are {@code null}, {@link Boolean},
 * {@link Double} (every number), {@link String}, {@link List} and {@link Map} (keys in file order). Non-finite doubles
 * are written as {@code null}, since JSON has no NaN.
 */
public final class Json {
    private Json() { }

    /** Thrown for text that is not JSON; {@code column} is 1-based. */
    static final class SyntaxError extends RuntimeException {
        private final int column;

        SyntaxError(String message, int column) {
            super(message + " at column " + column);
            this.column = column;
        }

        int column() { return column; }
    }

    // ---- writing ----

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case Double d -> number(d, out);
            case Float f -> number(f.doubleValue(), out);
            case Number n when n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte ->
                    out.append(n.longValue());
            case Number n -> number(n.doubleValue(), out);
            case CharSequence s -> string(s, out);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) out.append(',');
                    first = false;
                    string(String.valueOf(e.getKey()), out);
                    out.append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            }
            case Iterable<?> list -> {
                out.append('[');
                boolean first = true;
                for (Object item : list) {
                    if (!first) out.append(',');
                    first = false;
                    write(item, out);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void number(double d, StringBuilder out) {
        if (!Double.isFinite(d)) {
            out.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            // Double.toString is the shortest text that reads back to the same double; its exponent form ("1.0E-4") is
            // valid JSON once the 'E' is lower-cased, which is optional, so it is kept as it is.
            out.append(Double.toString(d));
        }
    }

    private static void string(CharSequence s, StringBuilder out) {
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
                    if (c < 0x20) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    // ---- reading ----

    public static Object parse(String text) {
        Reader reader = new Reader(text);
        reader.skipSpace();
        Object value = reader.value();
        reader.skipSpace();
        if (reader.pos < text.length()) throw reader.error("unexpected '" + text.charAt(reader.pos) + "' after the value");
        return value;
    }

    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) { this.text = text; }

        SyntaxError error(String message) { return new SyntaxError(message, pos + 1); }

        void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
                pos++;
            }
        }

        Object value() {
            if (pos >= text.length()) throw error("unexpected end of text");
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) throw error("expected " + word);
            pos += word.length();
            return value;
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') throw error("expected a key in quotes");
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                map.put(key, value());
                skipSpace();
                char c = peek();
                pos++;
                if (c == '}') return map;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            skipSpace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value());
                skipSpace();
                char c = peek();
                pos++;
                if (c == ']') return list;
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder s = new StringBuilder();
            while (true) {
                if (pos >= text.length()) throw error("unterminated string");
                char c = text.charAt(pos++);
                if (c == '"') return s.toString();
                if (c < 0x20) {
                    pos--;
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                if (pos >= text.length()) throw error("unterminated string");
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> s.append(e);
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) throw error("short \\u escape");
                        try {
                            s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error("bad escape '\\" + e + "'");
                    }
                }
            }
        }

        private Double number() {
            int start = pos;
            if (peek() == '-') pos++;
            if (!digits()) throw error("expected a digit");
            if (peek() == '.') {
                pos++;
                if (!digits()) throw error("expected a digit after '.'");
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!digits()) throw error("expected a digit in the exponent");
            }
            return Double.parseDouble(text.substring(start, pos));
        }

        private boolean digits() {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') pos++;
            return pos > start;
        }

        private char peek() { return pos < text.length() ? text.charAt(pos) : '\0'; }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "'");
            pos++;
        }
    }
}
