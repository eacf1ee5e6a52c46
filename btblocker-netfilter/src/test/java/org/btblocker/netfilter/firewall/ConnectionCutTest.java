package org.btblocker.netfilter.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionCutTest {

    @Test
    void cutsBothSidesOfTheAddressInItsFamily() throws Exception {
        assertThat(ConnectionCut.commands(InetAddress.getByName("10.0.0.7"))).map(Command::toString).containsExactly(
                "conntrack -D -f ipv4 -s 10.0.0.7", "conntrack -D -f ipv4 -r 10.0.0.7");
        assertThat(ConnectionCut.commands(InetAddress.getByName("fd00::7"))).map(Command::toString).containsExactly(
                "conntrack -D -f ipv6 -s fd00:0:0:0:0:0:0:7", "conntrack -D -f ipv6 -r fd00:0:0:0:0:0:0:7");
    }

    @Test
    void noneDeletedIsNotAFailure() throws Exception {
        // conntrack exits 1 when it deleted nothing; its count line is what says it ran
        List<String> ran = new ArrayList<>();
        ConnectionCut cut = new ConnectionCut(c -> {
            ran.add(c.toString());
            return new CommandRunner.Result(ran.size() == 1 ? 0 : 1, "",
                    "conntrack v1.4.7 (conntrack-tools): " + (ran.size() == 1 ? 3 : 0)
                            + " flow entries have been deleted.\n");
        });
        assertThat(cut.cut(InetAddress.getByName("10.0.0.7"))).isEqualTo(3);
        assertThat(ran).hasSize(2);
    }

    @Test
    void aMissingToolIsReportedAsMinusOne() throws Exception {
        ConnectionCut cut = new ConnectionCut(c -> CommandRunner.Result.failed(127, "conntrack: not found"));
        assertThat(cut.cut(InetAddress.getByName("10.0.0.7"))).isEqualTo(-1);
        assertThat(cut.cut(InetAddress.getByName("10.0.0.8"))).as("and again, warned once").isEqualTo(-1);
    }

    @Test
    void readsTheCountLine() {
        assertThat(ConnectionCut.deletedCount("conntrack v1.4.7 (conntrack-tools): 12 flow entries have been "
                + "deleted.")).isEqualTo(12);
        assertThat(ConnectionCut.deletedCount("conntrack v1.4.7 (conntrack-tools): 1 flow entry has been deleted."))
                .isEqualTo(1);
        assertThat(ConnectionCut.deletedCount("conntrack v1.4.7 (conntrack-tools): Operation not permitted"))
                .isEqualTo(-1);
        assertThat(ConnectionCut.deletedCount("99999999999999 flow entries have been deleted")).isEqualTo(-1);
    }
}
