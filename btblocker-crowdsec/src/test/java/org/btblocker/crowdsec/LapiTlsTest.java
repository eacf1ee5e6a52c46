package org.btblocker.crowdsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.btblocker.api.ban.BanException;
import org.btblocker.api.ban.BanFeed;
import org.btblocker.api.ban.BanRequest;
import org.btblocker.api.ban.BanSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * https to a LAPI whose certificate comes from a private CA: trusted with {@code caFile}, refused (permanently,
 * naming caFile) without it. The certificate is made here with the JDK's keytool (self-signed, SAN
 * IP:127.0.0.1), so it is its own CA.
 */
class LapiTlsTest {

    @TempDir
    Path dir;
    private HttpsServer server;
    private Path caPem;
    private Path passwordFile;

    @BeforeEach
    void start() throws Exception {
        Path ks = dir.resolve("lapi.p12");
        keytool("-genkeypair", "-alias", "lapi", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=btblocker test LAPI", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        caPem = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "lapi", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", caPem.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", x -> {
            x.getRequestBody().readAllBytes();
            String path = x.getRequestURI().getPath();
            byte[] body = (path.equals("/v1/watchers/login")
                    ? "{\"code\":200,\"expire\":\"2099-01-01T00:00:00Z\",\"token\":\"t\"}" : "[\"1\"]")
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(path.equals("/v1/alerts") ? 201 : 200, body.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        passwordFile = dir.resolve("pw");
        Files.writeString(passwordFile, "pw");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private BanSink open(Map<String, Object> extra) throws BanException {
        Map<String, Object> s = new java.util.HashMap<>(Map.of("url", "https://127.0.0.1:"
                + server.getAddress().getPort(), "machineId", "gw1", "passwordFile", passwordFile.toString()));
        s.putAll(extra);
        return SinkConfigs.setup(s, BanFeed.NONE, Clock.systemUTC()).open();
    }

    private static BanRequest ban() throws Exception {
        return new BanRequest(InetAddress.getByName("192.0.2.1"), Duration.ofHours(1), "handshake", "BEP 3");
    }

    @Test
    void aPrivateCaInCaFileIsTrusted() throws Exception {
        try (BanSink sink = open(Map.of("caFile", caPem.toString()))) {
            sink.ban(ban());
        }
    }

    @Test
    void withoutItTheHandshakeFailsPermanentlyNamingCaFile() throws Exception {
        try (BanSink sink = open(Map.of())) {
            assertThatThrownBy(() -> sink.ban(ban())).isInstanceOf(BanException.class)
                    .hasMessageContaining("TLS handshake with the Local API at https://127.0.0.1:")
                    .hasMessageEndingWith("check the server certificate and btblocker.crowdsec.caFile")
                    .matches(e -> !((BanException) e).isRetryable(), "permanent");
        }
    }

    @Test
    void aCaFileThatIsNoCertificateIsRefusedAtOpen() throws Exception {
        Path notPem = dir.resolve("not.pem");
        Files.writeString(notPem, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> open(Map.of("caFile", notPem.toString()))).isInstanceOf(BanException.class)
                .hasMessageStartingWith("crowdsec: btblocker.crowdsec.caFile " + notPem + " is not a PEM certificate "
                        + "file");
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> open(Map.of("caFile", empty.toString()))).hasMessage("crowdsec: "
                + "btblocker.crowdsec.caFile " + empty + " holds no certificate");
        assertThatThrownBy(() -> open(Map.of("caFile", dir.resolve("absent.pem").toString())))
                .hasMessageStartingWith("crowdsec: cannot read btblocker.crowdsec.caFile");
    }
}
