package io.alfred.gitops.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after the unit tests (failsafe, {@code mvn verify}) and reads everything they logged
 * ({@code target/test-logs/suite.log}, written by {@code SuiteLog}) or printed (surefire writes it to
 * {@code target/surefire-reports/*-output.txt}): none of the test
 * secrets may be there: webhook secret and token, API token, git HTTPS passwords, SSH private
 * keys, the values of the example's Secrets.
 */
class SecretsNeverLoggedIT {

    @Test
    void theWholeSuitesOutputHoldsNoTestSecret() throws Exception {
        List<Path> outputs;
        try (Stream<Path> files = Files.list(Path.of("daemon/target/surefire-reports"))) {
            outputs = files.filter(p -> p.getFileName().toString().endsWith("-output.txt"))
                    .toList();
        }
        assertThat(outputs)
                .as("surefire output files (redirectTestOutputToFile)")
                .isNotEmpty();
        Path suiteLog = Path.of("daemon/target/test-logs/suite.log");
        assertThat(suiteLog).exists();
        outputs = Stream.concat(outputs.stream(), Stream.of(suiteLog)).toList();
        long bytes = 0;
        List<String> secrets = secrets();
        for (Path output : outputs) {
            String text = Files.readString(output, StandardCharsets.ISO_8859_1);
            bytes += text.length();
            for (String secret : secrets) {
                assertThat(text)
                        .as("%s contains a test secret", output.getFileName())
                        .doesNotContain(secret);
            }
        }
        assertThat(bytes).as("the suite logged something to search").isGreaterThan(200_000);
        System.out.printf(
                "secrets scan: %d files, %.1f MB, %d secrets, none found%n",
                outputs.size(), bytes / 1e6, secrets.size());
    }

    static List<String> secrets() throws Exception {
        List<String> secrets = new ArrayList<>(List.of(
                "gh-webhook-secret",
                "gl-webhook-token",
                "api-bearer-token", // HookTestProfile
                "letmein",
                "wrong-secret-token",
                "expired-token", // GitSourceHttpTest (JGit's AppServer password)
                "PRIVATE KEY-----")); // any PEM or OpenSSH private key
        String example = Files.readString(Path.of("examples/alfred-platform/infra/k8s/base/config/secrets.yaml"));
        Matcher m = Pattern.compile(":\\s+([A-Za-z0-9+/=]{8,})").matcher(example);
        while (m.find()) {
            secrets.add(m.group(1));
            String decoded = new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
            if (decoded.length() >= 12) { // "postgres" is also the name of a Service
                secrets.add(decoded);
            }
        }
        return secrets;
    }
}
