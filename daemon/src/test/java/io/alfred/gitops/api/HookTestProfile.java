package io.alfred.gitops.api;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

/** Secrets in files, and a JWKS served on loopback standing in for Google's, for the push endpoint tests. */
public class HookTestProfile implements QuarkusTestProfile {
    static final String GITHUB_SECRET = "gh-webhook-secret";
    static final String GITLAB_TOKEN = "gl-webhook-token";
    static final String API_TOKEN = "api-bearer-token";
    static final String AUDIENCE = "https://alfred.example.com/hooks/pubsub";
    static final String ACCOUNT = "push@alfred-test.iam.gserviceaccount.com";
    static final RsaJsonWebKey KEY;
    static final Path DIR;
    static final int JWKS_PORT;

    static {
        try {
            KEY = RsaJwkGenerator.generateJwk(2048);
            KEY.setKeyId("test-key");
            DIR = Files.createTempDirectory("hooks");
            Files.writeString(DIR.resolve("github"), GITHUB_SECRET + "\n");
            Files.writeString(DIR.resolve("gitlab"), GITLAB_TOKEN);
            Files.writeString(DIR.resolve("api"), API_TOKEN);
            HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = new JsonWebKeySet(KEY).toJson().getBytes(StandardCharsets.UTF_8);
            jwks.createContext("/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            jwks.start();
            JWKS_PORT = jwks.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "gitops.webhook.github.secret-file",
                DIR.resolve("github").toString(),
                "gitops.webhook.gitlab.token-file",
                DIR.resolve("gitlab").toString(),
                "gitops.api.token-file",
                DIR.resolve("api").toString(),
                "gitops.webhook.pubsub.audience",
                AUDIENCE,
                "gitops.webhook.pubsub.service-account",
                ACCOUNT,
                "gitops.webhook.pubsub.jwks-url",
                "http://127.0.0.1:" + JWKS_PORT + "/jwks",
                // the fleet page reads as when configured; the tests feed its board directly
                "gitops.fleet.subscription",
                "fleet-test");
    }
}
