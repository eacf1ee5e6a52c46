package org.btblocker.detectors.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators of bencode values and a reference encoder, for the tests of every package that parses
 * bencode. Values are plain Java objects: {@link Long} (or {@link Integer}), {@code byte[]} (or {@link String},
 * encoded as ISO-8859-1), {@link List} and {@link Map} with {@code byte[]} or {@link String} keys.
 */
public final class BencodeGen {

    private BencodeGen() {
    }

    /** Unsigned byte order, the order BEP 3 requires for dictionary keys. */
    public static TreeMap<byte[], Object> sortedMap() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    /** A dictionary from alternating keys and values, e.g. {@code dict("t", "aa", "y", "q")}. */
    public static Map<byte[], Object> dict(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        TreeMap<byte[], Object> map = sortedMap();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(bytes(keysAndValues[i]), keysAndValues[i + 1]);
        }
        return map;
    }

    /** A list of the given values. */
    public static List<Object> list(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }

    /** Bencodes {@code value}; dictionary keys are written in unsigned byte order. */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(value, out, false);
        return out.toByteArray();
    }

    /** Bencodes {@code value} with every dictionary's keys in reverse order: valid only for unsorted parsing. */
    public static byte[] encodeReversedKeys(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(value, out, true);
        return out.toByteArray();
    }

    /** Random valid values nesting at most {@code maxDepth} containers. */
    public static Gen<Object> values(int maxDepth) {
        return rs -> generate(rs, maxDepth);
    }

    /** Encoded random valid values. */
    public static Gen<byte[]> encoded(int maxDepth) {
        return values(maxDepth).map((Object v) -> encode(v));
    }

    /** Encoded random dictionaries (the shape of KRPC messages and tracker responses). */
    public static Gen<byte[]> encodedDictionaries(int maxDepth) {
        return rs -> encode(generateDict(rs, Math.max(1, maxDepth)));
    }

    /** Random byte arrays of 0 to {@code maxLength} bytes. */
    public static Gen<byte[]> randomBytes(int maxLength) {
        return Generate.byteArrays(Generate.range(0, maxLength), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    /** Random bytes drawn from the bencode alphabet ({@code 0-9 : i e l d -}), which reach deeper parser paths. */
    public static Gen<byte[]> bencodeAlphabetBytes(int maxLength) {
        byte[] alphabet = "0123456789:iedl-".getBytes(StandardCharsets.US_ASCII);
        return rs -> {
            int n = Generate.range(0, maxLength).generate(rs);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = alphabet[Generate.range(0, alphabet.length - 1).generate(rs)];
            }
            return out;
        };
    }

    /**
     * {@code base} with one to four random edits: a byte overwritten, inserted or deleted, or the tail cut off.
     */
    public static Gen<byte[]> mutated(Gen<byte[]> base) {
        return rs -> {
            byte[] b = base.generate(rs);
            int edits = Generate.range(1, 4).generate(rs);
            for (int e = 0; e < edits; e++) {
                int kind = Generate.range(0, 3).generate(rs);
                int pos = b.length == 0 ? 0 : Generate.range(0, b.length - 1).generate(rs);
                byte v = (byte) (int) Generate.range(0, 255).generate(rs);
                switch (kind) {
                    case 0 -> {
                        if (b.length > 0) {
                            b[pos] = v;
                        }
                    }
                    case 1 -> {
                        byte[] c = new byte[b.length + 1];
                        System.arraycopy(b, 0, c, 0, pos);
                        c[pos] = v;
                        System.arraycopy(b, pos, c, pos + 1, b.length - pos);
                        b = c;
                    }
                    case 2 -> {
                        if (b.length > 0) {
                            byte[] c = new byte[b.length - 1];
                            System.arraycopy(b, 0, c, 0, pos);
                            System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
                            b = c;
                        }
                    }
                    default -> b = Arrays.copyOf(b, pos);
                }
            }
            return b;
        };
    }

    /** A proper prefix of each {@code base} value (possibly empty). */
    public static Gen<byte[]> truncated(Gen<byte[]> base) {
        return rs -> {
            byte[] b = base.generate(rs);
            int cut = b.length == 0 ? 0 : Generate.range(0, b.length - 1).generate(rs);
            return Arrays.copyOf(b, cut);
        };
    }

    /** {@code bytes} placed at offset 3 of a larger buffer with junk around it, to catch absolute-offset bugs. */
    public static ByteBuffer embedded(byte[] bytes) {
        byte[] all = new byte[bytes.length + 6];
        Arrays.fill(all, (byte) 'e');
        System.arraycopy(bytes, 0, all, 3, bytes.length);
        return ByteBuffer.wrap(all);
    }

    /** Latin-1 bytes of a String key or value; byte arrays pass through. */
    public static byte[] bytes(Object s) {
        if (s instanceof byte[] b) {
            return b;
        }
        return ((String) s).getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static Object generate(RandomnessSource rs, int depth) {
        int kind = Generate.range(0, depth > 0 ? 3 : 1).generate(rs);
        switch (kind) {
            case 0:
                return Generate.frequency(
                        org.quicktheories.api.Pair.of(3, Generate.longRange(-1000, 1000)),
                        org.quicktheories.api.Pair.of(1, Generate.longRange(-Long.MAX_VALUE, Long.MAX_VALUE)))
                    .generate(rs);
            case 1:
                return generateString(rs);
            case 2: {
                int n = Generate.range(0, 5).generate(rs);
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(generate(rs, depth - 1));
                }
                return list;
            }
            default:
                return generateDict(rs, depth);
        }
    }

    private static Map<byte[], Object> generateDict(RandomnessSource rs, int depth) {
        int n = Generate.range(0, 5).generate(rs);
        TreeMap<byte[], Object> map = sortedMap();
        for (int i = 0; i < n; i++) {
            map.put(generateString(rs), generate(rs, depth - 1));
        }
        return map;
    }

    private static byte[] generateString(RandomnessSource rs) {
        int len = Generate.frequency(
                org.quicktheories.api.Pair.of(4, Generate.range(0, 12)),
                org.quicktheories.api.Pair.of(1, Generate.range(0, 300)))
            .generate(rs);
        byte[] s = new byte[len];
        for (int i = 0; i < len; i++) {
            s[i] = (byte) (int) Generate.range(0, 255).generate(rs);
        }
        return s;
    }

    private static void encode(Object value, ByteArrayOutputStream out, boolean reverseKeys) {
        if (value instanceof Long || value instanceof Integer) {
            out.writeBytes(("i" + value + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof byte[] || value instanceof String) {
            byte[] b = bytes(value);
            out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
        } else if (value instanceof List<?> list) {
            out.write('l');
            for (Object o : list) {
                encode(o, out, reverseKeys);
            }
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<byte[], Object> sorted = sortedMap();
            map.forEach((k, v) -> sorted.put(bytes(k), v));
            out.write('d');
            for (Map.Entry<byte[], Object> e : (reverseKeys ? sorted.descendingMap() : sorted).entrySet()) {
                encode(e.getKey(), out, reverseKeys);
                encode(e.getValue(), out, reverseKeys);
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("not encodable: " + value);
        }
    }
}
