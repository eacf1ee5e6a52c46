package org.btblocker.detectors.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.btblocker.detectors.bencode.BencodeGen;
import org.btblocker.testkit.TestFlow;
import org.junit.jupiter.api.Test;
import org.quicktheories.WithQuickTheories;

/** Generated KRPC messages are classified as generated; hostile bytes never throw. */
class KrpcMessagePropertyTest implements WithQuickTheories {

    @Test
    void generatedMessagesAreRecognised() {
        qt().forAll(KrpcGen.messages()).checkAssert(m -> {
            byte[] b = m.encoded();
            assertThat(KrpcMessage.classify(BencodeGen.embedded(b), 3, b.length)).isEqualTo(m.code());
            byte[] reversed = BencodeGen.encodeReversedKeys(m.value());
            assertThat(KrpcMessage.classify(ByteBuffer.wrap(reversed), 0, reversed.length)).isEqualTo(m.code());
        });
    }

    @Test
    void everyProperPrefixIsNotKrpc() {
        qt().forAll(BencodeGen.truncated(KrpcGen.encodedMessages())).checkAssert(b ->
            assertThat(KrpcMessage.classify(ByteBuffer.wrap(b), 0, b.length)).isEqualTo(KrpcMessage.NOT_KRPC));
    }

    @Test
    void mutatedMessagesNeverThrow() {
        qt().forAll(BencodeGen.mutated(KrpcGen.encodedMessages())).checkAssert(b -> {
            ByteBuffer buf = BencodeGen.embedded(b);
            int code = KrpcMessage.classify(buf, 3, b.length);
            assertThat(code).isBetween(KrpcMessage.NOT_KRPC, KrpcMessage.CODES - 1);
            if (code == KrpcMessage.RESPONSE) {
                TestFlow flow = TestFlow.twoWay();
                assertThat(KrpcMessage.claimEndpoints(buf, 3, b.length, flow, 1024)).isBetween(0, b.length / 6);
            }
        });
    }

    @Test
    void randomBytesAreNotKrpc() {
        qt().forAll(BencodeGen.randomBytes(200)).checkAssert(b ->
            assertThat(KrpcMessage.classify(ByteBuffer.wrap(b), 0, b.length)).isLessThanOrEqualTo(0));
        qt().forAll(BencodeGen.encodedDictionaries(4)).checkAssert(b ->
            assertThat(KrpcMessage.classify(ByteBuffer.wrap(b), 0, b.length)).isEqualTo(KrpcMessage.BENCODE_ONLY));
    }

    @Test
    void claimEndpointsNeverThrowsOnArbitraryInput() {
        qt().forAll(BencodeGen.mutated(KrpcGen.encodedMessages())).checkAssert(b -> {
            TestFlow flow = TestFlow.twoWay();
            int n = KrpcMessage.claimEndpoints(BencodeGen.embedded(b), 3, b.length, flow, 1024);
            assertThat(n).isBetween(0, b.length / 6);
        });
    }
}
