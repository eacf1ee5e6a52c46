package org.btblocker.app.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One {@link GatewayLab} (client, gateway and server namespaces) per test class, and at most one daemon per test:
 * stopped with SIGTERM after each test (so it removes its rules and the next test starts clean), the gateway's
 * ban sets and conntrack table reset, the namespaces deleted after the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GatewayLabTest {

    GatewayLab lab;
    Proc daemon;

    @BeforeAll
    void createLab() {
        GatewayLab.assumePrerequisites();
        lab = GatewayLab.create();
    }

    @AfterEach
    void stopDaemon() {
        if (daemon != null && daemon.isAlive()) {
            GatewayLab.stop(daemon);
        }
        daemon = null;
        lab.resetGateway();
    }

    @AfterAll
    void deleteLab() {
        if (lab != null) {
            lab.close();
        }
    }
}
