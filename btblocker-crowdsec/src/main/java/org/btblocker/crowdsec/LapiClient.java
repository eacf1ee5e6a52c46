package org.btblocker.crowdsec;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.btblocker.api.ban.BanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to the Local API with the JDK's client: one request, one answer, and the one place that turns a transport
 * failure into a {@link BanException} that says whether retrying can help. Request bodies are never logged (a
 * login carries the password); credentials are never part of a message.
 */
final class LapiClient {

    private static final Logger log = LoggerFactory.getLogger(LapiClient.class);

    /**
     * {@code btblocker/VERSION}. LAPI 1.4.6 splits the User-Agent at '/' for the version it lists in {@code cscli
     * machines list}, and refuses a login from a User-Agent without one with 401 "incorrect Username or Password".
     */
    static final String USER_AGENT = "btblocker/" + version();

    /** Largest answer read: a startup decision stream of a big fleet is a few MB. */
    static final int MAX_BODY_BYTES = 64 << 20;

    private final CrowdsecSettings settings;
    private final HttpClient http;

    LapiClient(CrowdsecSettings settings, HttpClient http) {
        this.settings = settings;
        this.http = http;
    }

    /**
     * An HTTP/1.1 client for the settings: connect timeout = requestTimeout, no redirects, and for https the system
     * trust store plus {@code caFile}.
     *
     * @throws BanException when the CA file cannot be read or holds no certificate (permanent)
     */
    static HttpClient httpClient(CrowdsecSettings settings) throws BanException {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (settings.hasCaFile()) {
            b.sslContext(sslContext(settings.caFile()));
        }
        return b.build();
    }

    /** An SSL context trusting the system's CAs and those in {@code caFile} (PEM, one or more certificates). */
    static SSLContext sslContext(Path caFile) throws BanException {
        Collection<? extends Certificate> extra;
        try (InputStream in = Files.newInputStream(caFile)) {
            extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new BanException("crowdsec: cannot read btblocker.crowdsec.caFile " + caFile + " (" + e + ")", e);
        } catch (GeneralSecurityException e) {
            throw new BanException("crowdsec: btblocker.crowdsec.caFile " + caFile + " is not a PEM certificate file ("
                    + e.getMessage() + ")", e);
        }
        if (extra.isEmpty()) {
            throw new BanException("crowdsec: btblocker.crowdsec.caFile " + caFile + " holds no certificate");
        }
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (X509Certificate system : systemTrust().getAcceptedIssuers()) {
                trusted.setCertificateEntry("system-" + n++, system);
            }
            for (Certificate c : extra) {
                trusted.setCertificateEntry("cafile-" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new BanException("crowdsec: cannot build a trust store from btblocker.crowdsec.caFile " + caFile
                    + " (" + e.getMessage() + ")", e);
        }
    }

    private static X509TrustManager systemTrust() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager in the system trust store");
    }

    /**
     * Sends one request and reads the answer, whatever its status.
     *
     * @param method       GET, POST or DELETE
     * @param pathAndQuery e.g. {@code "/v1/alerts"}, query already encoded
     * @param body         the JSON body, or null
     * @param credential   the Authorization or X-Api-Key header, or null
     * @param what         what this request does, for the error line ("pushing 3 bans")
     * @throws BanException no answer: connection refused, timeout, reset (retryable); TLS refused (permanent)
     */
    LapiResponse send(String method, String pathAndQuery, String body, Credential credential, String what)
            throws BanException {
        URI uri = settings.resolve(pathAndQuery);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (credential != null) {
            b.header(credential.header(), credential.value());
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        long start = System.nanoTime();
        HttpResponse<InputStream> response;
        String text;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    throw new BanException("crowdsec: " + what + ": the answer of " + method + " " + uri.getRawPath()
                            + " is larger than " + (MAX_BODY_BYTES >> 20) + " MB", null, true);
                }
                text = new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BanException("crowdsec: " + what + ": interrupted", e, true);
        } catch (IOException e) {
            throw transportFailure(what, e);
        }
        if (log.isDebugEnabled()) {
            // the path only: queries name addresses, bodies carry secrets
            log.debug("crowdsec: {} {} -> {} in {} ms", method, uri.getRawPath(), response.statusCode(),
                    (System.nanoTime() - start) / 1_000_000);
        }
        return new LapiResponse(response.statusCode(), text);
    }

    private static String version() {
        String v = LapiClient.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    /** Why no answer came, as an exception that says whether retrying helps. */
    BanException transportFailure(String what, IOException e) {
        String at = "the Local API at " + settings.url();
        if (e instanceof HttpConnectTimeoutException) {
            return new BanException("crowdsec: " + what + ": cannot connect to " + at + " within "
                    + settings.requestTimeout().toSeconds() + " s (btblocker.crowdsec.url)", e, true);
        }
        if (e instanceof HttpTimeoutException) {
            return new BanException("crowdsec: " + what + ": no answer from " + at + " within "
                    + settings.requestTimeout().toSeconds() + " s (btblocker.crowdsec.requestTimeout)", e, true);
        }
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
            return new BanException("crowdsec: " + what + ": cannot connect to " + at + " (connection refused): is "
                    + "crowdsec running? (btblocker.crowdsec.url)", e, true);
        }
        if (e instanceof SSLHandshakeException) {
            // a certificate the trust store does not accept: waiting does not fix it
            return new BanException("crowdsec: " + what + ": TLS handshake with " + at + " failed (" + e.getMessage()
                    + "): check the server certificate and btblocker.crowdsec.caFile", e, false);
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new BanException("crowdsec: " + what + ": talking to " + at + " failed (" + detail + ")", e, true);
    }

    /**
     * The failure for an answer that is not a success, or null when {@code r} succeeded. 5xx and 429 are retryable,
     * except the 500s LAPI 1.4.6 uses for a request it will never accept (a validation failure, a bad filter, a
     * duration without unit), which would otherwise be retried forever.
     *
     * @param fix what the operator should do, appended to a 401/403 line
     */
    static BanException failure(String what, LapiResponse r, String fix) {
        int status = r.status();
        if (status >= 200 && status < 300) {
            return null;
        }
        String message = r.message();
        String line = "crowdsec: " + what + " refused (" + status + (message.isEmpty() ? "" : " " + message) + ")";
        if (status == 429 || (status >= 500 && !isRequestRefusal(message))) {
            return new BanException(line + ": the Local API is overloaded or failing; retrying", null, true);
        }
        if ((status == 401 || status == 403) && fix != null) {
            return new BanException(line + ": " + fix, null, false);
        }
        return new BanException(line, null, false);
    }

    private static boolean isRequestRefusal(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("validation failure") || m.contains("invalid filter") || m.contains("unable to parse");
    }

    /**
     * A credential header whose value never shows in {@link #toString()}.
     *
     * @param header {@code Authorization} or {@code X-Api-Key}
     * @param value  the header value (a bearer token or an API key)
     */
    record Credential(String header, String value) {
        static Credential bearer(String token) {
            return new Credential("Authorization", "Bearer " + token);
        }

        static Credential apiKey(String key) {
            return new Credential("X-Api-Key", key);
        }

        @Override
        public String toString() {
            return header + ": (hidden)";
        }
    }
}
