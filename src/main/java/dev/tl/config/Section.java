package dev.tl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A YAML mapping being read, with its path for messages. Unknown keys are rejected on construction, before
 * any value is read, so a misspelt key is reported as such rather than as a missing required key. Typed
 * getters check types and ranges; a null or absent value reads as "not set" (Java null), so {@code key:}
 * with nothing after it means "use the default".
 */
final class Section {
    final String source;
    final String path;
    private final JsonNode node;

    Section(String source, String path, JsonNode node, List<String> keys) {
        this.source = source;
        this.path = path;
        this.node = node == null || node.isNull() || node.isMissingNode() ? null : node;
        if (this.node == null) return;
        if (!this.node.isObject()) {
            throw new ConfigException(source, path, "expected a mapping with keys " + String.join(", ", keys)
                    + ", got " + describe(this.node));
        }
        Iterator<String> names = this.node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!keys.contains(k)) {
                String hint = suggest(k, keys);
                throw new ConfigException(source, child(k), "unknown key; valid keys: " + String.join(", ", keys)
                        + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
            }
        }
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(source, child(key), problem);
    }

    /** The value, or null when absent or YAML null. */
    JsonNode get(String key) {
        if (node == null) return null;
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    Section section(String key, List<String> keys) {
        return new Section(source, child(key), get(key), keys);
    }

    String string(String key) {
        JsonNode v = get(key);
        return v == null ? null : asString(v, child(key));
    }

    String string(String key, String def) {
        String s = string(key);
        return s == null ? def : s;
    }

    String requiredString(String key, String hint) {
        String s = string(key);
        if (s == null) throw error(key, "required; " + hint);
        return s;
    }

    Boolean bool(String key, boolean def) {
        JsonNode v = get(key);
        if (v == null) return def;
        if (!v.isBoolean()) throw error(key, "expected true or false, got " + describe(v));
        return v.booleanValue();
    }

    Long longValue(String key) {
        JsonNode v = get(key);
        return v == null ? null : asLong(v, child(key));
    }

    long longValue(String key, long def) {
        Long l = longValue(key);
        return l == null ? def : l;
    }

    Integer integer(String key, long min, long max) {
        JsonNode v = get(key);
        return v == null ? null : intIn(v, child(key), min, max);
    }

    int integer(String key, long min, long max, int def) {
        Integer i = integer(key, min, max);
        return i == null ? def : i;
    }

    Double number(String key, Range range) {
        JsonNode v = get(key);
        return v == null ? null : numberIn(v, child(key), range);
    }

    double number(String key, Range range, double def) {
        Double d = number(key, range);
        return d == null ? def : d;
    }

    /** Items of a list value (empty when absent), each with its path {@code key[i]}. */
    List<JsonNode> list(String key, String example) {
        JsonNode v = get(key);
        if (v == null) return List.of();
        if (!v.isArray()) throw error(key, "expected a list, e.g. " + example + ", got " + describe(v));
        List<JsonNode> out = new ArrayList<>();
        v.elements().forEachRemaining(out::add);
        return out;
    }

    /** The raw mapping at {@code key} (absent: null), for sections with free-form keys like stage_lr. */
    ObjectNode mapping(String key, String example) {
        JsonNode v = get(key);
        if (v == null) return null;
        if (!v.isObject()) throw error(key, "expected a mapping, e.g. " + example + ", got " + describe(v));
        return (ObjectNode) v;
    }

    // ---- value checks usable on list items and free-form mappings ----

    String asString(JsonNode v, String at) {
        // integers are accepted because YAML reads "output.name: 2024" as a number
        if (v.isTextual()) return v.textValue();
        if (v.isIntegralNumber()) return v.asText();
        throw new ConfigException(source, at, "expected a string, got " + describe(v));
    }

    long asLong(JsonNode v, String at) {
        if (!v.isIntegralNumber()) throw new ConfigException(source, at, "expected an integer, got " + describe(v));
        if (!v.canConvertToLong()) throw new ConfigException(source, at, "integer too large, got " + v.asText());
        return v.longValue();
    }

    int intIn(JsonNode v, String at, long min, long max) {
        if (!v.isIntegralNumber()) throw new ConfigException(source, at, "expected an integer, got " + describe(v));
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new ConfigException(source, at, "must be between " + min + " and " + max + ", got " + v.asText());
        }
        return (int) v.longValue();
    }

    double numberIn(JsonNode v, String at, Range range) {
        if (!v.isNumber()) throw new ConfigException(source, at, "expected a number, got " + describe(v));
        double d = v.doubleValue();
        if (!range.contains(d)) throw new ConfigException(source, at, "must be in " + range + ", got " + v.asText());
        return d;
    }

    /** A value as a user would recognise it from their file. */
    static String describe(JsonNode v) {
        if (v.isTextual()) return '"' + v.textValue() + '"';
        if (v.isArray()) return "a list";
        if (v.isObject()) return "a mapping";
        return v.asText();
    }

    /** The valid key closest to a misspelt one (edit distance at most 2), or null. */
    static String suggest(String bad, List<String> valid) {
        String best = null;
        int bestD = 3;
        for (String k : valid) {
            int d = distance(bad, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** An interval of doubles; comparisons are written so that NaN is never inside. */
    record Range(double lo, boolean loOpen, double hi, boolean hiOpen) {
        static Range open(double lo, double hi) {
            return new Range(lo, true, hi, true);
        }

        static Range openClosed(double lo, double hi) {
            return new Range(lo, true, hi, false);
        }

        static Range closedOpen(double lo, double hi) {
            return new Range(lo, false, hi, true);
        }

        boolean contains(double d) {
            boolean aboveLo = loOpen ? d > lo : d >= lo;
            boolean belowHi = hiOpen ? d < hi : d <= hi;
            return aboveLo && belowHi;
        }

        @Override
        public String toString() {
            return (loOpen ? "(" : "[") + plain(lo) + ", " + plain(hi) + (hiOpen ? ")" : "]");
        }

        static String plain(double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
    }
}
