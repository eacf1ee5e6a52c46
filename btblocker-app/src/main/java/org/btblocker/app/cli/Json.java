package org.btblocker.app.cli;

/** The little JSON writing {@code scan --format jsonl} needs (RFC 8259 strings), without a JSON library. */
final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** Appends {@code s} as a JSON string literal (quoted and escaped), or {@code null}. */
    static StringBuilder string(StringBuilder out, String s) {
        if (s == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    // control characters must be escaped; so are the JavaScript line separators, to be safe
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
                            .append(HEX[c & 15]);
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"');
    }

    /** One verdict line in the format the corpus scorer reads. */
    static String verdictLine(String pcap, FlowVerdict v) {
        StringBuilder s = new StringBuilder(160);
        s.append("{\"pcap\": ");
        string(s, pcap).append(", \"proto\": ");
        string(s, v.protocol()).append(", \"src\": ");
        string(s, v.initiator()).append(", \"dst\": ");
        string(s, v.responder()).append(", \"verdict\": ");
        string(s, v.blocked() ? "block" : "allow").append(", \"detector\": ");
        return string(s, v.blocked() ? v.detector() : null).append('}').toString();
    }
}
