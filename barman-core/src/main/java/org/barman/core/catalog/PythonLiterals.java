package org.barman.core.catalog;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few Python literals Barman writes into {@code backup.info} with {@code repr()} and reads back with
 * {@code ast.literal_eval()}: strings, integers, floats, {@code None}, booleans, lists, tuples and dicts.
 *
 * <p>Values map to Java as: {@code str} to {@link String}, {@code int} to {@link Long} (or {@link BigInteger}
 * when it does not fit), {@code float} to {@link Double}, {@code bool} to {@link Boolean}, {@code None} to
 * {@code null}, {@code list} to {@link List}, {@code tuple} to {@link Tuple}, {@code dict} to an ordered
 * {@link Map}. Python 2's {@code u'...'} strings and {@code 123L} integers are accepted, since files written by
 * old Barman versions still exist.
 */
final class PythonLiterals {

    private PythonLiterals() {
    }

    /**
     * A Python tuple.
     *
     * @param items its items
     */
    record Tuple(List<Object> items) {
        Tuple {
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }
    }

    /** The text is not a Python literal of the supported kinds; the message says where. */
    static final class SyntaxException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message);
        }
    }

    /**
     * @param text a Python literal
     * @return its value
     * @throws SyntaxException when the text is not a supported literal
     */
    static Object parse(String text) {
        Parser parser = new Parser(text);
        parser.skipSpaces();
        Object value = parser.value();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.error("unexpected text after the value");
        }
        return value;
    }

    /**
     * @param value a string, integer, boolean, null, list, {@link Tuple} or map of these (floats are read, never
     *     written)
     * @return what Python 3's {@code repr()} prints for it
     */
    static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        appendRepr(out, value);
        return out.toString();
    }

    private static void appendRepr(StringBuilder out, Object value) {
        if (value == null) {
            out.append("None");
        } else if (value instanceof String text) {
            appendString(out, text);
        } else if (value instanceof Boolean bool) {
            out.append(bool ? "True" : "False");
        } else if (value instanceof Long || value instanceof Integer || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Tuple tuple) {
            out.append('(');
            appendItems(out, tuple.items());
            if (tuple.items().size() == 1) {
                out.append(',');
            }
            out.append(')');
        } else if (value instanceof List<?> list) {
            out.append('[');
            appendItems(out, list);
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                appendRepr(out, entry.getKey());
                out.append(": ");
                appendRepr(out, entry.getValue());
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("no Python literal for a " + value.getClass().getName());
        }
    }

    private static void appendItems(StringBuilder out, List<?> items) {
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            appendRepr(out, items.get(i));
        }
    }

    /** Python 3's string repr: single quotes unless the text has one and no double quote. */
    private static void appendString(StringBuilder out, String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == quote) {
                        out.append('\\').append((char) c);
                    } else if (isPrintable(c)) {
                        out.appendCodePoint(c);
                    } else if (c < 0x100) {
                        out.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
                    } else if (c < 0x10000) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
                    } else {
                        out.append(String.format(java.util.Locale.ROOT, "\\U%08x", c));
                    }
                }
            }
        }
        out.append(quote);
    }

    /** Python's {@code str.isprintable()} for one character: not a control, format, separator or unassigned. */
    private static boolean isPrintable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** A recursive-descent reader of one literal. */
    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return position >= text.length();
        }

        SyntaxException error(String what) {
            return new SyntaxException(what + " at character " + (position + 1) + " of " + shorten(text));
        }

        private static String shorten(String text) {
            return text.length() <= 60 ? "'" + text + "'" : "'" + text.substring(0, 57) + "...'";
        }

        void skipSpaces() {
            while (!atEnd() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        private char peek() {
            if (atEnd()) {
                throw error("the value ends too early");
            }
            return text.charAt(position);
        }

        Object value() {
            char c = peek();
            return switch (c) {
                case '\'', '"' -> string();
                case '[' -> sequence('[', ']');
                case '(' -> tupleOrGroup();
                case '{' -> dict();
                default -> {
                    if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                        yield number();
                    }
                    if (Character.isLetter(c)) {
                        yield word();
                    }
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Object tupleOrGroup() {
            int start = position;
            position++;
            skipSpaces();
            if (peek() == ')') {
                position++;
                return new Tuple(List.of());
            }
            Object first = value();
            skipSpaces();
            if (peek() == ')') {
                position++;
                return first;
            }
            position = start;
            return new Tuple(sequence('(', ')'));
        }

        private List<Object> sequence(char open, char close) {
            if (peek() != open) {
                throw error("expected '" + open + "'");
            }
            position++;
            List<Object> items = new ArrayList<>();
            skipSpaces();
            while (peek() != close) {
                items.add(value());
                skipSpaces();
                if (peek() == ',') {
                    position++;
                    skipSpaces();
                } else if (peek() != close) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
            position++;
            return Collections.unmodifiableList(items);
        }

        private Map<Object, Object> dict() {
            position++;
            Map<Object, Object> map = new LinkedHashMap<>();
            skipSpaces();
            while (peek() != '}') {
                Object key = value();
                skipSpaces();
                if (peek() != ':') {
                    throw error("expected ':' after a dict key");
                }
                position++;
                skipSpaces();
                map.put(key, value());
                skipSpaces();
                if (peek() == ',') {
                    position++;
                    skipSpaces();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            position++;
            return Collections.unmodifiableMap(map);
        }

        private Object word() {
            int start = position;
            while (!atEnd() && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
                position++;
            }
            String word = text.substring(start, position);
            if (!atEnd() && (text.charAt(position) == '\'' || text.charAt(position) == '"')
                    && word.matches("[uUrRbB]|[uU][rR]|[rR][bB]|[bB][rR]")) {
                boolean raw = word.toLowerCase(java.util.Locale.ROOT).contains("r");
                return raw ? rawString() : string();
            }
            return switch (word) {
                case "None" -> null;
                case "True" -> Boolean.TRUE;
                case "False" -> Boolean.FALSE;
                default -> {
                    position = start;
                    throw error("unknown name '" + word + "' (only None, True and False are literals)");
                }
            };
        }

        private Object number() {
            int start = position;
            if (peek() == '-' || peek() == '+') {
                position++;
            }
            while (!atEnd() && "0123456789.eE+-_xXabcdefABCDEFlLjJoO".indexOf(text.charAt(position)) >= 0) {
                char c = text.charAt(position);
                if ((c == '+' || c == '-') && "eE".indexOf(text.charAt(position - 1)) < 0) {
                    break;
                }
                position++;
            }
            String literal = text.substring(start, position).replace("_", "");
            if (literal.endsWith("L") || literal.endsWith("l")) {
                literal = literal.substring(0, literal.length() - 1);
            }
            try {
                String digits = literal.startsWith("+") ? literal.substring(1) : literal;
                if (digits.matches("-?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|[0-9]+)")) {
                    boolean negative = digits.startsWith("-");
                    String unsigned = negative ? digits.substring(1) : digits;
                    BigInteger value;
                    if (unsigned.length() > 2 && (unsigned.charAt(1) == 'x' || unsigned.charAt(1) == 'X')) {
                        value = new BigInteger(unsigned.substring(2), 16);
                    } else if (unsigned.length() > 2 && (unsigned.charAt(1) == 'o' || unsigned.charAt(1) == 'O')) {
                        value = new BigInteger(unsigned.substring(2), 8);
                    } else {
                        value = new BigInteger(unsigned);
                    }
                    value = negative ? value.negate() : value;
                    return value.bitLength() < 64 ? (Object) value.longValueExact() : value;
                }
                if (digits.matches("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                    return Double.parseDouble(digits);
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // reported below
            }
            position = start;
            throw error("'" + literal + "' is not a number");
        }

        private String rawString() {
            char quote = peek();
            position++;
            int start = position;
            while (!atEnd() && text.charAt(position) != quote) {
                if (text.charAt(position) == '\\') {
                    position++;
                }
                position++;
            }
            if (atEnd()) {
                throw error("unterminated string");
            }
            String value = text.substring(start, position);
            position++;
            return value;
        }

        private String string() {
            char quote = peek();
            position++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(position++);
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\n') {
                    position--;
                    throw error("line break inside a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (atEnd()) {
                    throw error("unterminated string");
                }
                char escape = text.charAt(position++);
                switch (escape) {
                    case '\n' -> { }
                    case '\\', '\'', '"' -> out.append(escape);
                    case 'a' -> out.append('\u0007');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'v' -> out.append('\u000B');
                    case 'x' -> out.appendCodePoint(hex(2));
                    case 'u' -> out.appendCodePoint(hex(4));
                    case 'U' -> out.appendCodePoint(hex(8));
                    default -> {
                        if (escape >= '0' && escape <= '7') {
                            int value = escape - '0';
                            for (int i = 0; i < 2 && !atEnd() && text.charAt(position) >= '0'
                                    && text.charAt(position) <= '7'; i++) {
                                value = value * 8 + text.charAt(position++) - '0';
                            }
                            out.append((char) value);
                        } else {
                            out.append('\\').append(escape);
                        }
                    }
                }
            }
        }

        private int hex(int length) {
            if (position + length > text.length()) {
                throw error("truncated \\x, \\u or \\U escape");
            }
            String digits = text.substring(position, position + length);
            try {
                int value = Integer.parseUnsignedInt(digits, 16);
                if (!Character.isValidCodePoint(value)) {
                    throw error("escape \\" + digits + " is not a character");
                }
                position += length;
                return value;
            } catch (NumberFormatException e) {
                throw error("bad escape digits '" + digits + "'");
            }
        }
    }
}
