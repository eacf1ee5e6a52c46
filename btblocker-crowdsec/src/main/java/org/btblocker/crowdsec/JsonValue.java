package org.btblocker.crowdsec;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON value (RFC 8259), the few shapes the Local API exchanges. Immutable. The typed accessors throw
 * {@link JsonException} when the document has another shape than expected, so that an odd answer from the LAPI is one
 * clean error and never a {@code ClassCastException}.
 */
sealed interface JsonValue {

    /** A JSON object; member order is kept (requests are written byte-exact). */
    record JsonObject(Map<String, JsonValue> members) implements JsonValue {
        public JsonObject {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        /** The member {@code name}, or {@link JsonNull#INSTANCE} when absent. */
        JsonValue get(String name) {
            return members.getOrDefault(name, JsonNull.INSTANCE);
        }

        /** The string member {@code name}. */
        String string(String name) throws JsonException {
            return get(name).asString(name);
        }
    }

    /** A JSON array. */
    record JsonArray(List<JsonValue> elements) implements JsonValue {
        public JsonArray {
            elements = List.copyOf(elements);
        }
    }

    /** A JSON string. */
    record JsonString(String value) implements JsonValue {
        public JsonString {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A JSON number, exactly as written (scale kept, so that it writes back the same). */
    record JsonNumber(BigDecimal value) implements JsonValue {
        public JsonNumber {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code true} or {@code false}. */
    enum JsonBoolean implements JsonValue {
        /** {@code false}. */
        FALSE,
        /** {@code true}. */
        TRUE;

        static JsonBoolean of(boolean b) {
            return b ? TRUE : FALSE;
        }
    }

    /** {@code null}, also what {@link JsonObject#get} returns for an absent member. */
    enum JsonNull implements JsonValue {
        /** The only value. */
        INSTANCE
    }

    /** This value as an object; {@code what} names it in the error. */
    default JsonObject asObject(String what) throws JsonException {
        if (this instanceof JsonObject o) {
            return o;
        }
        throw new JsonException(what + ": expected an object, got " + kind(), -1);
    }

    /** This value as a list of elements; {@code null} reads as an empty list (the LAPI writes {@code "new":null}). */
    default List<JsonValue> asArrayOrEmpty(String what) throws JsonException {
        if (this instanceof JsonArray a) {
            return a.elements();
        }
        if (this == JsonNull.INSTANCE) {
            return List.of();
        }
        throw new JsonException(what + ": expected an array, got " + kind(), -1);
    }

    /** This value as a string. */
    default String asString(String what) throws JsonException {
        if (this instanceof JsonString s) {
            return s.value();
        }
        throw new JsonException(what + ": expected a string, got " + kind(), -1);
    }

    /** This value as a {@code long}, refusing fractions and numbers out of range (never expanding a huge exponent). */
    default long asLong(String what) throws JsonException {
        if (this instanceof JsonNumber n) {
            BigDecimal v = n.value();
            // precision - scale is the number of integer digits; checked before any arithmetic on the value
            if (v.precision() - v.scale() <= 19 && v.scale() <= 64) {
                try {
                    return v.longValueExact();
                } catch (ArithmeticException e) {
                    // fraction or out of range: reported below
                }
            }
            throw new JsonException(what + ": expected an integer, got " + v, -1);
        }
        throw new JsonException(what + ": expected a number, got " + kind(), -1);
    }

    /** One word for error messages. */
    default String kind() {
        if (this instanceof JsonObject) {
            return "an object";
        }
        if (this instanceof JsonArray) {
            return "an array";
        }
        if (this instanceof JsonString) {
            return "a string";
        }
        if (this instanceof JsonNumber) {
            return "a number";
        }
        if (this instanceof JsonBoolean) {
            return "a boolean";
        }
        return "null";
    }

    /** A string value. */
    static JsonValue of(String s) {
        return new JsonString(s);
    }

    /** A number value. */
    static JsonValue of(long n) {
        return new JsonNumber(BigDecimal.valueOf(n));
    }

    /** A boolean value. */
    static JsonValue of(boolean b) {
        return JsonBoolean.of(b);
    }

    /** Starts an object whose members keep the order they are put in. */
    static ObjectBuilder object() {
        return new ObjectBuilder();
    }

    /** Builds a {@link JsonObject} member by member (mutable, used by one thread while writing a request). */
    final class ObjectBuilder {
        private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

        ObjectBuilder put(String name, JsonValue value) {
            members.put(name, value);
            return this;
        }

        ObjectBuilder put(String name, String value) {
            return put(name, new JsonString(value));
        }

        ObjectBuilder put(String name, long value) {
            return put(name, JsonValue.of(value));
        }

        ObjectBuilder put(String name, boolean value) {
            return put(name, JsonBoolean.of(value));
        }

        ObjectBuilder put(String name, ObjectBuilder value) {
            return put(name, value.build());
        }

        JsonObject build() {
            return new JsonObject(members);
        }
    }
}
