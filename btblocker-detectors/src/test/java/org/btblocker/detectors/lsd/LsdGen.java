package org.btblocker.detectors.lsd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/** QuickTheories generators of valid BEP 14 announces, with the number of Infohash headers each carries. */
final class LsdGen {

    record Announce(String text, int infohashes) {
        byte[] bytes() {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private LsdGen() {
    }

    static Gen<Announce> announces() {
        return LsdGen::announce;
    }

    static Gen<byte[]> announceBytes() {
        return rs -> announce(rs).bytes();
    }

    private static Announce announce(RandomnessSource rs) {
        List<String> headers = new ArrayList<>();
        headers.add(name(rs, "Host") + ":" + blanks(rs) + (Generate.booleans().generate(rs)
            ? "239.192.152.143:6771" : "[ff15::efc0:988f]:6771") + blanks(rs));
        headers.add(name(rs, "Port") + ":" + blanks(rs) + Generate.range(1, 65_535).generate(rs) + blanks(rs));
        int n = Generate.range(1, 4).generate(rs);
        for (int i = 0; i < n; i++) {
            headers.add(name(rs, "Infohash") + ":" + blanks(rs) + hex(rs) + blanks(rs));
        }
        if (Generate.booleans().generate(rs)) {
            headers.add(name(rs, "cookie") + ": " + printable(rs, Generate.range(0, 20).generate(rs)));
        }
        if (Generate.booleans().generate(rs)) {
            headers.add("X-Extra: " + printable(rs, Generate.range(0, 20).generate(rs)));
        }
        // the request line comes first; header order is free
        Collections.shuffle(headers, new java.util.Random(Generate.longRange(0, Long.MAX_VALUE).generate(rs)));
        StringBuilder s = new StringBuilder("BT-SEARCH * HTTP/1.1\r\n");
        headers.forEach(h -> s.append(h).append("\r\n"));
        s.append("\r\n");
        if (Generate.booleans().generate(rs)) {
            s.append("\r\n");                                  // BEP 14 shows a second empty line
        }
        return new Announce(s.toString(), n);
    }

    private static String name(RandomnessSource rs, String name) {
        StringBuilder s = new StringBuilder();
        for (char c : name.toCharArray()) {
            s.append(Generate.booleans().generate(rs) ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return s.toString();
    }

    private static String blanks(RandomnessSource rs) {
        return " ".repeat(Generate.range(0, 2).generate(rs));
    }

    private static String hex(RandomnessSource rs) {
        String digits = Generate.booleans().generate(rs) ? "0123456789ABCDEF" : "0123456789abcdef";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            s.append(digits.charAt(Generate.range(0, 15).generate(rs)));
        }
        return s.toString();
    }

    private static String printable(RandomnessSource rs, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) (int) Generate.range(0x21, 0x7e).generate(rs));
        }
        return s.toString();
    }
}
