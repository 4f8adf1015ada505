package dev.optc.runtime.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough JSON (RFC 8259) for run logs, benchmark reports and safetensors headers, so the runtime needs no library.
 * Reading is strict: values are {@code null}, {@link Boolean}, {@link Long} (integers), {@link Double} (other numbers),
 * {@link String}, {@link List} and {@link Map} (keys in text order; a duplicate key is an error, since which one wins
 * is undefined). Writing takes the same types and any {@link Number}; non-finite doubles are written as {@code null},
 * since JSON has no NaN.
 */
public final class Json {
    private Json() { }

    /** Text that is not JSON: what is wrong, and where ({@code position}, 1-based, in characters). */
    public static final class SyntaxError extends RuntimeException {
        private final String what;
        private final int position;

        SyntaxError(String what, int position) {
            super(what + " at character " + position);
            this.what = what;
            this.position = position;
        }

        public String what() { return what; }

        public int position() { return position; }
    }

    // ---- writing ----

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    /** Appends {@code value} as JSON to {@code out}. */
    public static void write(Object value, StringBuilder out) {
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

    /** The value {@code text} holds, blanks around it allowed. */
    public static Object parse(String text) {
        return new Reader(text).document();
    }

    private static final class Reader {
        private final String text;
                private int at;

        Reader(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            skipBlanks();
            if (at < text.length()) throw error("unexpected text after the value");
            return value;
        }

        private Object value() {
            skipBlanks();
            if (at >= text.length()) throw error("unexpected end of text");
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

        private Map<String, Object> object() {
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

        private List<Object> list() {
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

        private String string() {
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

        private Object number() {
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

        private Object word(String word, Object value) {
            if (!text.startsWith(word, at)) throw error("unexpected word");
            at += word.length();
            return value;
        }

        private void expect(char c) {
            if (peek() != c) throw error(at < text.length() ? "expected '" + c + "'" : "unexpected end of text, expected '" + c + "'");
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

        private SyntaxError error(String what) {
            return new SyntaxError(what, at + 1);
        }
    }
}
