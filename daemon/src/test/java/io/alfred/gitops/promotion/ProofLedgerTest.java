package io.alfred.gitops.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alfred.gitops.Revision;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which upstream events count as proofs, and what the ledger decides from them. */
class ProofLedgerTest {
    static final String R = "a".repeat(40);
    static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static Map<String, String> event(String id, String type, String cluster, String environment, Instant at) {
        Map<String, String> a = new HashMap<>();
        a.put("ce-specversion", "1.0");
        a.put("ce-id", id);
        a.put("ce-type", "io.alfred.gitops." + type);
        a.put("ce-source", "//alfred-gitops/clusters/" + cluster);
        a.put("ce-time", at.toString());
        a.put("cluster", cluster);
        a.put("environment", environment);
        a.put("revision", R);
        return a;
    }

    @Test
    void onlyWellFormedEventsOfAlfredGitopsAreProofs() throws Exception {
        assertThat(UpstreamEvent.parse(event("1", "sync.succeeded", "stg-1", "staging", T0))
                        .signal())
                .isEqualTo(UpstreamEvent.Signal.REACHED);
        assertThat(UpstreamEvent.parse(event("2", "sync.reached", "stg-1", "staging", T0))
                        .signal())
                .isEqualTo(UpstreamEvent.Signal.REACHED);
        assertThat(UpstreamEvent.parse(event("3", "sync.rolledback", "stg-1", "staging", T0))
                        .signal())
                .isEqualTo(UpstreamEvent.Signal.FAILED);
        assertThat(UpstreamEvent.parse(event("4", "sync.planned", "stg-1", "staging", T0)))
                .as("says nothing")
                .isNull();

        Map<String, String> spoofed = event("5", "sync.succeeded", "stg-1", "staging", T0);
        spoofed.put("ce-source", "//alfred-gitops/clusters/dev-1");
        assertThatThrownBy(() -> UpstreamEvent.parse(spoofed)).hasMessageContaining("is not cluster stg-1's");
        Map<String, String> shortSha = event("6", "sync.succeeded", "stg-1", "staging", T0);
        shortSha.put("revision", "abc1234");
        assertThatThrownBy(() -> UpstreamEvent.parse(shortSha)).hasMessageContaining("not a full commit SHA");
        Map<String, String> noTime = event("7", "sync.succeeded", "stg-1", "staging", T0);
        noTime.put("ce-time", "yesterday");
        assertThatThrownBy(() -> UpstreamEvent.parse(noTime)).hasMessageContaining("malformed ce-time");
        Map<String, String> other = event("8", "sync.succeeded", "stg-1", "staging", T0);
        other.put("ce-type", "com.example.deployed");
        assertThatThrownBy(() -> UpstreamEvent.parse(other)).hasMessageContaining("not an alfred-gitops event");
        Map<String, String> noId = event("9", "sync.succeeded", "stg-1", "staging", T0);
        noId.remove("ce-id");
        assertThatThrownBy(() -> UpstreamEvent.parse(noId)).hasMessageContaining("ce-id is missing");
    }

    @Test
    void aProofSoaksAFailureIsForGoodAndEventsCountOnce() throws Exception {
        ProofLedger ledger = new ProofLedger();
        List<String> after = List.of("staging");
        Duration soak = Duration.ofMinutes(10);
        assertThat(ledger.decide(R, after, soak, T0).reason())
                .isEqualTo("waiting for staging to reach " + Revision.abbreviate(R));

        assertThat(ledger.record(UpstreamEvent.parse(event("e1", "sync.succeeded", "stg-1", "staging", T0))))
                .isTrue();
        assertThat(ledger.record(UpstreamEvent.parse(event("e1", "sync.succeeded", "stg-1", "staging", T0))))
                .as("a redelivery")
                .isFalse();
        PromotionDecision soaking = ledger.decide(R, after, soak, T0.plusSeconds(60));
        assertThat(soaking.state()).isEqualTo(PromotionDecision.State.WAITING);
        assertThat(soaking.reason())
                .isEqualTo("waiting for staging (cluster stg-1) to keep " + Revision.abbreviate(R)
                        + " healthy for 9m more (soak 10m)");
        assertThat(soaking.recheckAt()).contains(T0.plus(soak));
        assertThat(ledger.decide(R, after, soak, T0.plus(soak)).isPromoted()).isTrue();

        // the ledger survives a restart as JSON, with the ids it has seen
        ProofLedger kept = ProofLedger.fromJson(ledger.toJson());
        assertThat(kept.decide(R, after, soak, T0.plus(soak)).isPromoted()).isTrue();
        assertThat(kept.record(UpstreamEvent.parse(event("e1", "sync.succeeded", "stg-1", "staging", T0))))
                .isFalse();

        assertThat(kept.record(
                        UpstreamEvent.parse(event("e2", "sync.rolledback", "stg-1", "staging", T0.plusSeconds(700)))))
                .isTrue();
        assertThat(kept.record(
                        UpstreamEvent.parse(event("e3", "sync.succeeded", "stg-1", "staging", T0.plusSeconds(800)))))
                .as("a later success does not undo the failure")
                .isFalse();
        PromotionDecision refused = kept.decide(R, after, soak, T0.plusSeconds(900));
        assertThat(refused.state()).isEqualTo(PromotionDecision.State.REFUSED);
        assertThat(refused.reason()).startsWith("staging failed " + Revision.abbreviate(R) + " (cluster stg-1");
    }

    @Test
    void everyEnvironmentOfAfterMustProveIt() throws Exception {
        ProofLedger ledger = new ProofLedger();
        ledger.record(UpstreamEvent.parse(event("e1", "sync.succeeded", "stg-1", "staging", T0)));
        PromotionDecision d =
                ledger.decide(R, List.of("staging", "canary-eu"), Duration.ofSeconds(1), T0.plusSeconds(5));
        assertThat(d.reason()).isEqualTo("waiting for canary-eu to reach " + Revision.abbreviate(R));
        ledger.record(UpstreamEvent.parse(event("e2", "sync.reached", "canary-eu", "canary", T0)));
        assertThat(ledger.decide(R, List.of("staging", "canary-eu"), Duration.ofSeconds(1), T0.plusSeconds(5))
                        .isPromoted())
                .as("an entry names a cluster too")
                .isTrue();
    }
}
