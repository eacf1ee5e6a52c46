package org.btblocker.detectors.dht;

import static org.btblocker.detectors.bencode.BencodeGen.dict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.btblocker.detectors.bencode.BencodeGen;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/** QuickTheories generators of valid KRPC messages (BEP 5, 32, 42, 44, 51), as values for {@link BencodeGen}. */
final class KrpcGen {

    /** A generated message and the code {@link KrpcMessage#classify} must give it. */
    record Message(Map<byte[], Object> value, int code) {
        byte[] encoded() {
            return BencodeGen.encode(value);
        }
    }

    private KrpcGen() {
    }

    static Gen<Message> messages() {
        return KrpcGen::message;
    }

    static Gen<byte[]> encodedMessages() {
        return rs -> message(rs).encoded();
    }

    private static Message message(RandomnessSource rs) {
        int code = Generate.range(KrpcMessage.QUERY_PING, KrpcMessage.ERROR).generate(rs);
        Map<byte[], Object> m = switch (code) {
            case KrpcMessage.QUERY_PING -> query("ping", dict("id", bytes(rs, 20)));
            case KrpcMessage.QUERY_FIND_NODE -> query("find_node", dict("id", bytes(rs, 20), "target", bytes(rs, 20)));
            case KrpcMessage.QUERY_GET_PEERS ->
                query("get_peers", dict("id", bytes(rs, 20), "info_hash", bytes(rs, 20)));
            case KrpcMessage.QUERY_ANNOUNCE_PEER -> {
                Map<byte[], Object> a = dict("id", bytes(rs, 20), "info_hash", bytes(rs, 20),
                    "port", (long) Generate.range(0, 65_535).generate(rs), "token", bytes(rs, range(rs, 1, 20)));
                if (Generate.booleans().generate(rs)) {
                    a.put(BencodeGen.bytes("implied_port"), (long) Generate.range(0, 1).generate(rs));
                }
                yield query("announce_peer", a);
            }
            case KrpcMessage.QUERY_GET -> {
                Map<byte[], Object> a = dict("id", bytes(rs, 20), "target", bytes(rs, 20));
                if (Generate.booleans().generate(rs)) {
                    a.put(BencodeGen.bytes("seq"), (long) range(rs, 0, 1_000_000));
                }
                yield query("get", a);
            }
            case KrpcMessage.QUERY_PUT -> {
                Map<byte[], Object> a = dict("id", bytes(rs, 20), "token", bytes(rs, range(rs, 1, 20)),
                    "v", BencodeGen.values(2).generate(rs));
                if (Generate.booleans().generate(rs)) {
                    a.putAll(dict("k", bytes(rs, 32), "sig", bytes(rs, 64), "seq", (long) range(rs, 0, 1000)));
                    if (Generate.booleans().generate(rs)) {
                        a.put(BencodeGen.bytes("salt"), bytes(rs, range(rs, 0, 64)));
                    }
                }
                yield query("put", a);
            }
            case KrpcMessage.QUERY_SAMPLE_INFOHASHES ->
                query("sample_infohashes", dict("id", bytes(rs, 20), "target", bytes(rs, 20)));
            case KrpcMessage.QUERY_OTHER -> query("vote", dict("id", bytes(rs, 20)));
            case KrpcMessage.RESPONSE -> response(rs);
            default -> dict("y", "e", "e", BencodeGen.list(
                (long) Generate.pick(List.of(201, 202, 203, 204, 205, 206, 207, 301, 302)).generate(rs),
                bytes(rs, range(rs, 0, 40))));
        };
        m.put(BencodeGen.bytes("t"), bytes(rs, range(rs, 1, 8)));
        if (Generate.booleans().generate(rs)) {
            m.put(BencodeGen.bytes("v"), bytes(rs, 4));
        }
        if (Generate.booleans().generate(rs)) {
            m.put(BencodeGen.bytes("ip"), bytes(rs, Generate.booleans().generate(rs) ? 6 : 18));
        }
        return new Message(m, code);
    }

    private static Map<byte[], Object> query(String method, Map<byte[], Object> args) {
        return dict("y", "q", "q", method, "a", args);
    }

    private static Map<byte[], Object> response(RandomnessSource rs) {
        Map<byte[], Object> r = dict("id", bytes(rs, 20));
        if (Generate.booleans().generate(rs)) {
            r.put(BencodeGen.bytes("nodes"), bytes(rs, 26 * range(rs, 0, 8)));
        }
        if (Generate.booleans().generate(rs)) {
            r.put(BencodeGen.bytes("nodes6"), bytes(rs, 38 * range(rs, 0, 8)));
        }
        if (Generate.booleans().generate(rs)) {
            r.put(BencodeGen.bytes("token"), bytes(rs, range(rs, 1, 20)));
        }
        if (Generate.booleans().generate(rs)) {
            List<Object> values = new ArrayList<>();
            int n = range(rs, 0, 10);
            for (int i = 0; i < n; i++) {
                values.add(bytes(rs, Generate.booleans().generate(rs) ? 6 : 18));
            }
            r.put(BencodeGen.bytes("values"), values);
        }
        if (Generate.booleans().generate(rs)) {
            r.putAll(dict("samples", bytes(rs, 20 * range(rs, 0, 10)), "interval", (long) range(rs, 0, 21_600),
                "num", (long) range(rs, 0, 100_000)));
        }
        return dict("y", "r", "r", r);
    }

    private static int range(RandomnessSource rs, int lo, int hi) {
        return Generate.range(lo, hi).generate(rs);
    }

    private static byte[] bytes(RandomnessSource rs, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (int) Generate.range(0, 255).generate(rs);
        }
        return b;
    }
}
