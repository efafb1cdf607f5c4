package io.alfred.gitops.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.config.ClusterSettings;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.config.SourceSettings;
import io.alfred.gitops.reconcile.SyncLoop;
import io.alfred.gitops.reconcile.SyncStatus;
import io.alfred.gitops.testing.Await;
import io.alfred.gitops.testing.TestCluster;
import io.alfred.gitops.testing.TestRepo;
import io.alfred.gitops.testing.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The push endpoints over real HTTP: authentication, filtering, limits, and a push that deploys. */
@QuarkusTest
@TestProfile(HookTestProfile.class)
class HookResourceTest {
    @Inject
    SyncLoop loop;

    @Inject
    SyncStatus status;

    TestRepo repo;
    TestCluster sandbox;
    String head;

    @BeforeEach
    void start() throws Exception {
        Path tmp = Files.createTempDirectory("hook-test");
        repo = TestRepo.withExample(tmp.resolve("infra"));
        head = repo.repository().resolve("HEAD").name();
        sandbox = TestCluster.start();
        loop.start(
                TestSettings.builder(
                                ClusterSettings.of("test", "dev"),
                                new SourceSettings(
                                        repo.url(),
                                        "main",
                                        "infra/k8s/overlays/dev",
                                        Duration.ofHours(1),
                                        tmp.resolve("work"),
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.empty()),
                                new RenderSettings(
                                        "auto",
                                        Duration.ofMinutes(1),
                                        Map.of("cluster_name", "test", "cluster_env", "dev")))
                        .build(),
                sandbox.client());
        await(() -> head.equals(status.view().lastAppliedRevision()));
    }

    @AfterEach
    void stop() {
        loop.stop();
        sandbox.close();
        repo.close();
    }

    private long cycles() {
        return loop.runner().orElseThrow().cycles();
    }

    private static void await(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(60), () -> "");
    }

    private String push(String sha, String url) {
        return "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\",\"repository\":{\"clone_url\":\"" + url
                + "\"},\"pusher\":{\"name\":\"octocat\"}}";
    }

    static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void githubPushWithAValidSignatureDeploys() throws Exception {
        String sha = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:7.0")
                .commit("ui 7");
        String body = push(sha, repo.url());
        given().contentType("application/json")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", "d-1")
                .header("X-Hub-Signature-256", sign(HookTestProfile.GITHUB_SECRET, body))
                .body(body)
                .post("/hooks/github")
                .then()
                .statusCode(202);
        await(() -> sha.equals(status.view().lastAppliedRevision()));
        // the dashboard's plot: the cycle a push started, with its stages and push-to-applied latency
        var cycle = status.recentCycles().get(0);
        assertThat(cycle.trigger()).isEqualTo("webhook");
        assertThat(cycle.pushToAppliedMs()).isBetween(0L, cycle.durationMs() + 60_000);
        assertThat(cycle.stagesMs().keySet()).contains("fetch", "render", "plan", "apply");
    }

    private String pullRequestEvent(String action, String sha, String baseRef) {
        return "{\"action\":\"" + action + "\",\"number\":7,\"pull_request\":{\"number\":7,\"head\":{\"sha\":\""
                + sha + "\",\"repo\":{\"full_name\":\"acme/infra\"}},\"base\":{\"ref\":\"" + baseRef
                + "\",\"repo\":{\"full_name\":\"acme/infra\",\"clone_url\":\"" + repo.url() + "\"}}}}";
    }

    /**
     * A pull request into main is previewed, never deployed: its head is served at
     * refs/pull/7/head, main stays where it is, and the preview is served at /previews.
     */
    @Test
    void aPullRequestIsPreviewedAndServedNotDeployed() throws Exception {
        String sha = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:9.0")
                .commit("ui 9, in review");
        repo.ref("refs/pull/7/head", sha);
        repo.resetHard(head);
        long before = cycles();
        for (String[] refused : new String[][] {
            {"closed", "main", "ignored: this pull request action"},
            {"opened", "release", "ignored: another repository or base branch"}
        }) {
            String body = pullRequestEvent(refused[0], sha, refused[1]);
            String answer = given().contentType("application/json")
                    .header("X-GitHub-Event", "pull_request")
                    .header("X-Hub-Signature-256", sign(HookTestProfile.GITHUB_SECRET, body))
                    .body(body)
                    .post("/hooks/github")
                    .then()
                    .statusCode(202)
                    .extract()
                    .asString();
            assertThat(answer).contains(refused[2]);
        }
        String body = pullRequestEvent("synchronize", sha, "main");
        given().contentType("application/json")
                .header("X-GitHub-Event", "pull_request")
                .header("X-Hub-Signature-256", sign(HookTestProfile.GITHUB_SECRET + "x", body))
                .body(body)
                .post("/hooks/github")
                .then()
                .statusCode(401);
        assertThat(loop.previews().orElseThrow().runs())
                .as("an unsigned pull request starts nothing")
                .isZero();

        given().contentType("application/json")
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", "pr-1")
                .header("X-Hub-Signature-256", sign(HookTestProfile.GITHUB_SECRET, body))
                .body(body)
                .post("/hooks/github")
                .then()
                .statusCode(202);
        await(() -> loop.previews().orElseThrow().runs() == 1);

        given().header("Authorization", "Bearer " + HookTestProfile.API_TOKEN)
                .get("/previews/" + sha.substring(0, 12))
                .then()
                .statusCode(200)
                .body("verdict", org.hamcrest.Matchers.equalTo("would apply"))
                .body("pullRequest.number", org.hamcrest.Matchers.equalTo(7))
                .body("diff", org.hamcrest.Matchers.containsString("ui-chat:9.0"));
        given().get("/previews").then().statusCode(401);
        given().header("Authorization", "Bearer " + HookTestProfile.API_TOKEN)
                .get("/previews")
                .then()
                .statusCode(200)
                .body("[0].revision", org.hamcrest.Matchers.equalTo(sha));
        given().header("Authorization", "Bearer " + HookTestProfile.API_TOKEN)
                .get("/previews/ffffffffff")
                .then()
                .statusCode(404);
        assertThat(cycles()).as("a preview is no deploy cycle").isEqualTo(before);
        assertThat(status.view().lastAppliedRevision()).isEqualTo(head);
    }

    @Test
    void aGitlabMergeRequestHookIsPreviewed() {
        String sha = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:10.0")
                .commit("ui 10, in review");
        repo.ref("refs/merge-requests/3/head", sha);
        repo.resetHard(head);
        String body = "{\"object_kind\":\"merge_request\",\"project\":{\"id\":1,\"git_http_url\":\"" + repo.url()
                + "\"},\"object_attributes\":{\"iid\":3,\"action\":\"open\",\"target_branch\":\"main\","
                + "\"source_project_id\":1,\"target_project_id\":1,\"last_commit\":{\"id\":\"" + sha + "\"}}}";
        given().contentType("application/json")
                .header("X-Gitlab-Event", "Merge Request Hook")
                .header("X-Gitlab-Token", HookTestProfile.GITLAB_TOKEN)
                .body(body)
                .post("/hooks/gitlab")
                .then()
                .statusCode(202);
        await(() -> loop.previews().orElseThrow().runs() == 1);
        assertThat(loop.previews().orElseThrow().recent().get(0).line())
                .startsWith("gitlab#3 at " + sha.substring(0, 12) + ": would apply");
    }

    @Test
    void badOrMissingSignaturesGet401AndStartNothing() throws Exception {
        long before = cycles();
        String body = push(
                repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:8.0")
                        .commit("ui 8"),
                repo.url());
        given().contentType("application/json")
                .header("X-GitHub-Event", "push")
                .body(body)
                .post("/hooks/github")
                .then()
                .statusCode(401);
        given().contentType("application/json")
                .header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", sign("wrong-secret", body))
                .body(body)
                .post("/hooks/github")
                .then()
                .statusCode(401);
        given().contentType("application/json")
                .header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", "sha256=zz")
                .body(body)
                .post("/hooks/github")
                .then()
                .statusCode(401);
        given().contentType("application/json")
                .header("X-Gitlab-Event", "Push Hook")
                .header("X-Gitlab-Token", "nope")
                .body(body)
                .post("/hooks/gitlab")
                .then()
                .statusCode(401);
        given().post("/reconcile").then().statusCode(401);
        given().header("Authorization", "Bearer wrong")
                .post("/reconcile")
                .then()
                .statusCode(401);
        Thread.sleep(300);
        assertThat(cycles()).isEqualTo(before);
    }

    @Test
    void aReplayedDeliveryQueuesNothingTheSecondTime() throws Exception {
        String sha = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:9.0")
                .commit("ui 9");
        String body = push(sha, repo.url());
        String signature = sign(HookTestProfile.GITHUB_SECRET, body);
        given().contentType("application/json")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", "replay-1")
                .header("X-Hub-Signature-256", signature)
                .body(body)
                .post("/hooks/github")
                .then()
                .statusCode(202)
                .body("message", org.hamcrest.Matchers.equalTo("queued"));
        await(() -> sha.equals(status.view().lastAppliedRevision()));
        long before = cycles();
        given().contentType("application/json")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", "replay-1")
                .header("X-Hub-Signature-256", signature)
                .body(body)
                .post("/hooks/github")
                .then()
                .statusCode(202)
                .body("message", org.hamcrest.Matchers.containsString("accepted before"));
        Thread.sleep(300);
        assertThat(cycles()).as("a replay starts no cycle").isEqualTo(before);
    }

    /** Random bodies, content types and credentials: never a server error, never a cycle. */
    @Test
    void fuzzedRequestsNeverFailTheServerNorStartACycle() throws Exception {
        Random random = new Random(20261126);
        String[] paths = {"/hooks/github", "/hooks/gitlab", "/hooks/pubsub", "/reconcile"};
        String[] types = {
            "application/json",
            "text/plain",
            "application/octet-stream",
            "application/x-www-form-urlencoded",
            "application/json; charset=utf-16",
            "multipart/form-data; boundary=x"
        };
        String valid = push(head, repo.url());
        long before = cycles();
        Map<Integer, Integer> codes = new TreeMap<>();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 300; i++) {
            byte[] body = switch (random.nextInt(4)) {
                case 0 -> randomBytes(random, random.nextInt(4096));
                case 1 -> mutate(random, valid).getBytes(StandardCharsets.UTF_8);
                case 2 ->
                    ("{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(randomBytes(random, 64))
                                    + "\",\"messageId\":\"" + i + "\"}}")
                            .getBytes(StandardCharsets.UTF_8);
                default -> new byte[0];
            };
            var request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + RestAssured.port + paths[random.nextInt(paths.length)]))
                    .header("Content-Type", types[random.nextInt(types.length)])
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            switch (random.nextInt(5)) {
                case 0 ->
                    request.header(
                            "X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(randomBytes(random, 32)));
                case 1 ->
                    request.header("X-Hub-Signature-256", sign(HookTestProfile.GITHUB_SECRET, valid)); // another body's
                case 2 -> request.header("X-Gitlab-Token", HexFormat.of().formatHex(randomBytes(random, 12)));
                case 3 ->
                    request.header(
                            "Authorization",
                            "Bearer " + Base64.getUrlEncoder().encodeToString(randomBytes(random, 48)));
                default -> {}
            }
            request.header("X-GitHub-Event", random.nextBoolean() ? "push" : "ping")
                    .header("X-Gitlab-Event", "Push Hook");
            int code = http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            codes.merge(code, 1, Integer::sum);
            assertThat(code).as("request %d", i).isLessThan(500).isNotIn(200, 202);
        }
        Thread.sleep(300);
        assertThat(cycles()).as("no fuzzed request started a cycle").isEqualTo(before);
        assertThat(codes).containsKeys(401, 415);
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String mutate(Random random, String s) {
        StringBuilder sb = new StringBuilder(s);
        for (int k = 0; k < 1 + random.nextInt(8); k++) {
            int at = random.nextInt(sb.length());
            sb.setCharAt(at, (char) (32 + random.nextInt(95)));
        }
        return sb.toString();
    }

    @Test
    void pingOtherEventsForeignReposLimitsAndContentTypes() throws Exception {
        String ping = "{\"zen\":\"hi\"}";
        given().contentType("application/json")
                .header("X-GitHub-Event", "ping")
                .header("X-Hub-Signature-256", sign(HookTestProfile.GITHUB_SECRET, ping))
                .body(ping)
                .post("/hooks/github")
                .then()
                .statusCode(200);
        given().contentType("application/json")
                .header("X-GitHub-Event", "issues")
                .header("X-Hub-Signature-256", sign(HookTestProfile.GITHUB_SECRET, ping))
                .body(ping)
                .post("/hooks/github")
                .then()
                .statusCode(202);
        String foreign = push("1".repeat(40), "https://github.com/someone/else.git");
        given().contentType("application/json")
                .header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", sign(HookTestProfile.GITHUB_SECRET, foreign))
                .body(foreign)
                .post("/hooks/github")
                .then()
                .statusCode(202);
        given().contentType("text/plain")
                .body("hello")
                .post("/hooks/github")
                .then()
                .statusCode(415);
        assertThat(statusOfAnOversizedPost("/hooks/github", 2 * 1024 * 1024)).isEqualTo(413);
    }

    /**
     * The server answers 413 from the declared length and closes the connection, so a client still
     * writing the body may see a broken pipe instead of the answer. Only the headers are sent here.
     */
    private static int statusOfAnOversizedPost(String path, int contentLength) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + contentLength + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String statusLine = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    @Test
    void gitlabAndManualTriggers() {
        String sha = repo.edit("infra/k8s/base/ui/ui-admin.yaml", "ui-admin:latest", "ui-admin:9.0")
                .commit("admin 9");
        String body = "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + sha
                + "\",\"project\":{\"git_http_url\":\"" + repo.url() + "\"}}";
        given().contentType("application/json")
                .header("X-Gitlab-Event", "Push Hook")
                .header("X-Gitlab-Token", HookTestProfile.GITLAB_TOKEN)
                .body(body)
                .post("/hooks/gitlab")
                .then()
                .statusCode(202);
        await(() -> sha.equals(status.view().lastAppliedRevision()));
        given().header("Authorization", "Bearer " + HookTestProfile.API_TOKEN)
                .post("/reconcile")
                .then()
                .statusCode(202);
        given().header("Authorization", "Bearer " + HookTestProfile.API_TOKEN)
                .queryParam("revision", "main")
                .post("/reconcile")
                .then()
                .statusCode(400);
    }

    // --- Pub/Sub push ------------------------------------------------------------------------

    private static String token(Consumer<JwtClaims> edit, boolean otherKey) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://accounts.google.com");
        claims.setAudience(HookTestProfile.AUDIENCE);
        claims.setSubject("1234567890");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(10);
        claims.setClaim("email", HookTestProfile.ACCOUNT);
        claims.setClaim("email_verified", true);
        edit.accept(claims);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(otherKey ? RsaJwkGenerator.generateJwk(2048).getPrivateKey() : HookTestProfile.KEY.getPrivateKey());
        jws.setKeyIdHeaderValue(HookTestProfile.KEY.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private String envelope(String data) {
        return "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8))
                + "\",\"attributes\":{},\"messageId\":\"m-1\"},\"subscription\":\"projects/p/subscriptions/s\"}";
    }

    private int pushWith(String token, String body) {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + token)
                .body(body)
                .post("/hooks/pubsub")
                .then()
                .extract()
                .statusCode();
    }

    @Test
    void pubsubPushTokensAreVerified() throws Exception {
        String sha = repo.edit("infra/k8s/base/ui/ui-chat.yaml", "ui-chat:latest", "ui-chat:10.0")
                .commit("ui 10");
        String body = envelope(push(sha, repo.url()));
        long before = cycles();
        assertThat(pushWith(
                        token(
                                c -> c.setExpirationTime(NumericDate.fromSeconds(
                                        NumericDate.now().getValue() - 3600)),
                                false),
                        body))
                .as("expired")
                .isEqualTo(401);
        assertThat(pushWith(token(c -> c.setAudience("https://elsewhere.example.com"), false), body))
                .as("audience")
                .isEqualTo(401);
        assertThat(pushWith(token(c -> c.setClaim("email", "intruder@evil.example"), false), body))
                .as("email")
                .isEqualTo(401);
        assertThat(pushWith(token(c -> c.setClaim("email_verified", false), false), body))
                .as("unverified")
                .isEqualTo(401);
        assertThat(pushWith(token(c -> {}, true), body)).as("signature").isEqualTo(401);
        assertThat(pushWith(token(c -> c.setIssuer("https://evil.example.com"), false), body))
                .as("issuer")
                .isEqualTo(401);
        given().contentType("application/json")
                .body(body)
                .post("/hooks/pubsub")
                .then()
                .statusCode(401);
        assertThat(cycles()).isEqualTo(before);

        assertThat(pushWith(token(c -> {}, false), envelope("garbage")))
                .as("malformed is acknowledged")
                .isEqualTo(200);
        assertThat(pushWith(token(c -> {}, false), body)).as("valid").isEqualTo(202);
        await(() -> sha.equals(status.view().lastAppliedRevision()));
    }
}
