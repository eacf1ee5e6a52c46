package org.btblocker.netlink;

import java.nio.ByteBuffer;

/** Hex helpers for byte-exact frame tests; whitespace and '|' separators in the text are ignored. */
public final class Hex {

    private Hex() {
    }

    public static byte[] parse(String hex) {
        String s = hex.replaceAll("[\\s|]", "");
        if (s.length() % 2 != 0) {
            throw new IllegalArgumentException("odd hex length");
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    public static String format(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            if (i > 0 && i % 4 == 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }

    /** {@code buf[position, limit)} as hex. */
    public static String format(ByteBuffer buf) {
        byte[] b = new byte[buf.remaining()];
        for (int i = 0; i < b.length; i++) {
            b[i] = buf.get(buf.position() + i);
        }
        return format(b);
    }
}
