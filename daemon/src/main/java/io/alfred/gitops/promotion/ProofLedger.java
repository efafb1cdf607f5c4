package io.alfred.gitops.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.Revision;
import io.alfred.gitops.config.Durations;
import io.alfred.gitops.promotion.UpstreamEvent.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the upstream clusters said about each revision: reached (and since when) or failed. A
 * failure is for good: a later success of the same revision does not undo it. Events are counted
 * once by id (Pub/Sub delivers at least once). Kept in the cluster by {@link ProofStore}.
 */
public final class ProofLedger {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ENTRIES = 500;
    private static final int MAX_IDS = 1000;

    /** One cluster's word on one revision. */
    public record Proof(String cluster, String environment, String revision, Signal signal, Instant at) {}

    private final Map<String, Proof> proofs = new LinkedHashMap<>();
    private final LinkedHashSet<String> seen = new LinkedHashSet<>();

    /** @return whether it changed what the ledger says (a new proof or failure) */
    public synchronized boolean record(UpstreamEvent e) {
        if (!seen.add(e.id())) {
            return false;
        }
        if (seen.size() > MAX_IDS) {
            seen.remove(seen.iterator().next());
        }
        String key = e.cluster() + " " + e.revision();
        Proof before = proofs.get(key);
        if (before != null && (before.signal() == Signal.FAILED || e.signal() == Signal.REACHED)) {
            return false; // a failure stays; a second success keeps the first one's time (the soak runs from it)
        }
        proofs.put(key, new Proof(e.cluster(), e.environment(), e.revision(), e.signal(), e.at()));
        if (proofs.size() > MAX_ENTRIES) {
            proofs.values().stream()
                    .min(Comparator.comparing(Proof::at))
                    .ifPresent(oldest -> proofs.remove(oldest.cluster() + " " + oldest.revision()));
        }
        return true;
    }

    /**
     * Whether {@code revision} may be applied: every entry of {@code after} (an environment or a
     * cluster) has a cluster that reached it at least {@code soak} ago, and none of its clusters
     * failed it.
     */
    public synchronized PromotionDecision decide(String revision, List<String> after, Duration soak, Instant now) {
        String sha = Revision.abbreviate(revision);
        List<String> waits = new ArrayList<>();
        Instant recheck = null;
        for (String entry : after) {
            List<Proof> of = proofs.values().stream()
                    .filter(p -> p.revision().equals(revision)
                            && (entry.equals(p.cluster()) || entry.equals(p.environment())))
                    .toList();
            Optional<Proof> failed =
                    of.stream().filter(p -> p.signal() == Signal.FAILED).findFirst();
            if (failed.isPresent()) {
                return PromotionDecision.refused(entry + " failed " + sha + " (cluster "
                        + failed.get().cluster() + ", " + failed.get().at() + "): it is not promoted");
            }
            Optional<Proof> reached = of.stream().min(Comparator.comparing(Proof::at));
            if (reached.isEmpty()) {
                waits.add(entry + " to reach " + sha);
                continue;
            }
            Instant proven = reached.get().at().plus(soak);
            if (proven.isAfter(now)) {
                waits.add(entry + " (cluster " + reached.get().cluster() + ") to keep " + sha + " healthy for "
                        + Durations.format(
                                Duration.between(now, proven).plusMillis(999).withNanos(0)) + " more (soak "
                        + Durations.format(soak) + ")");
                recheck = recheck == null || proven.isBefore(recheck) ? proven : recheck;
            }
        }
        return waits.isEmpty()
                ? PromotionDecision.promoted()
                : PromotionDecision.waiting("waiting for " + String.join(", ", waits), Optional.ofNullable(recheck));
    }

    /** The newest word of each upstream cluster, for {@code /status}. */
    public synchronized List<Proof> latest() {
        Map<String, Proof> newest = new LinkedHashMap<>();
        for (Proof p : proofs.values()) {
            newest.merge(p.cluster(), p, (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
        return List.copyOf(newest.values());
    }

    public synchronized String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("proofs");
        for (Proof p : proofs.values()) {
            list.addObject()
                    .put("cluster", p.cluster())
                    .put("environment", p.environment())
                    .put("revision", p.revision())
                    .put("signal", p.signal().name())
                    .put("at", p.at().toString());
        }
        ArrayNode ids = root.putArray("seen");
        seen.forEach(ids::add);
        return root.toString();
    }

    /** The ledger written by {@link #toJson}; an unreadable one is empty (proofs arrive again as events). */
    public static ProofLedger fromJson(String json) {
        ProofLedger ledger = new ProofLedger();
        if (json == null || json.isBlank()) {
            return ledger;
        }
        try {
            JsonNode root = JSON.readTree(json);
            for (JsonNode p : root.path("proofs")) {
                Proof proof = new Proof(
                        p.path("cluster").asText(),
                        p.path("environment").asText(),
                        p.path("revision").asText(),
                        Signal.valueOf(p.path("signal").asText()),
                        Instant.parse(p.path("at").asText()));
                ledger.proofs.put(proof.cluster() + " " + proof.revision(), proof);
            }
            root.path("seen").forEach(id -> ledger.seen.add(id.asText()));
        } catch (Exception e) {
            return new ProofLedger();
        }
        return ledger;
    }
}
