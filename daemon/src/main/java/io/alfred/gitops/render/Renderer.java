package io.alfred.gitops.render;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.RenderLimits;
import io.alfred.gitops.config.RenderSettings;
import io.alfred.gitops.support.LruMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders one path of a checked-out revision into validated objects in apply order: Kustomize
 * (or the plain YAML files of a directory without a kustomization), then substitution, then
 * identity checks. Results are cached by revision, path, substitutions and Kustomize command: up
 * to 8 renders and {@value #CACHE_OBJECTS} objects in all.
 */
public final class Renderer {
    private static final int CACHE_SIZE = 8;
    /**
     * Objects kept in all cached renders together, the newest render always kept: a render of small
     * objects holds about 0.9 KiB of heap per object (JOL, compact trees), larger objects more, so 8
     * renders of 5,000 objects would hold 35 MiB or more.
     */
    static final int CACHE_OBJECTS = 10_000;

    private final Kustomize kustomize;
    private final KustomizeOutputs outputs;
    private final CheckedYaml checked;
    private final RenderLimits limits;
    private final Substitution substitution;
    private final String settingsKey;
    private final Map<String, RenderResult> cache = new LruMap<>(CACHE_SIZE);

    /** @param outputs what Kustomize printed for earlier renders, kept on disk ({@link KustomizeOutputs#NONE}: none) */
    public Renderer(RenderSettings settings, KustomizeOutputs outputs) {
        this.outputs = outputs;
        this.checked = outputs.checkedYaml();
        this.limits = settings.limits();
        this.kustomize = new Kustomize(settings.kustomize(), settings.timeout(), limits);
        this.substitution = new Substitution(settings.substitutions());
        this.settingsKey = new TreeMap<>(settings.substitutions()) + "|" + kustomize.command();
    }

    /**
     * @param checkout the root of the revision's tree
     * @param path the path inside it to render
     * @param revision the commit SHA, for the cache
     */
    public RenderResult render(Path checkout, String path, Revision revision) {
        String key = revision.sha() + "|" + path + "|" + settingsKey;
        synchronized (cache) {
            RenderResult cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        RenderResult result = renderUncached(checkout, path, revision);
        synchronized (cache) {
            cache.put(key, result);
            forgetPastBudget(key);
        }
        return result;
    }

    /** Drops the renders used least recently until the cache holds at most {@link #CACHE_OBJECTS} objects. */
    private void forgetPastBudget(String newest) {
        int objects =
                cache.values().stream().mapToInt(r -> r.manifests().size()).sum();
        Iterator<Map.Entry<String, RenderResult>> eldestFirst = cache.entrySet().iterator();
        while (objects > CACHE_OBJECTS && eldestFirst.hasNext()) {
            Map.Entry<String, RenderResult> e = eldestFirst.next();
            if (!e.getKey().equals(newest)) {
                objects -= e.getValue().manifests().size();
                eldestFirst.remove();
            }
        }
    }

    private RenderResult renderUncached(Path checkout, String path, Revision revision) {
        long start = System.nanoTime();
        Path root = checkout.toAbsolutePath().normalize();
        Path dir = root.resolve(path).normalize();
        if (!dir.startsWith(root)) {
            throw new RenderException(path, "path leads outside the repository (gitops.source.path)");
        }
        if (!Files.isDirectory(dir)) {
            throw new RenderException(
                    path, "no such directory in revision " + revision.sha() + " (gitops.source.path)");
        }
        SourceTreeGuard.checkSymlinks(root);
        List<Manifest> raw;
        List<String> warnings = List.of();
        if (SourceTreeGuard.kustomizationFile(dir) != null) {
            Set<Path> kustomizationDirs = SourceTreeGuard.checkNoRemoteBases(root, dir, limits.yaml());
            SourceLimits.check(root, kustomizationDirs, limits, checked);
            Kustomize.Output output =
                    outputs.keptOr(revision, path, kustomize.command(), () -> kustomize.build(root, dir, path));
            warnings = output.warnings();
            raw = ManifestParser.parse(output.yaml(), "kustomize build " + path, limits.yaml());
        } else {
            SourceLimits.check(root, List.of(dir), limits, checked);
            raw = PlainManifests.load(root, dir, limits.yaml());
        }
        if (raw.size() > limits.objects()) {
            throw new RenderException(
                    path, raw.size() + " objects, more than " + limits.objects() + " (gitops.render.limits.objects)");
        }
        List<Manifest> manifests = substitution.apply(raw);
        validate(manifests);
        return new RenderResult(
                revision, path, ApplyOrder.sort(manifests), warnings, Duration.ofNanos(System.nanoTime() - start));
    }

    private static void validate(List<Manifest> manifests) {
        Set<String> clusterScopedCustom = ApplyOrder.customClusterScopedKinds(manifests);
        Map<String, Manifest> seen = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (Manifest m : manifests) {
            Manifest previous = seen.putIfAbsent(m.ref().key(), m);
            if (previous != null) {
                duplicates.add(m.ref() + " is defined twice (" + previous.origin() + " and " + m.origin() + ")");
            }
            if (ApplyOrder.isClusterScoped(m.ref(), clusterScopedCustom)
                    && !m.ref().namespace().isEmpty()) {
                throw new RenderException(
                        m.ref() + " (" + m.origin() + ")",
                        m.ref().kind() + " is cluster-scoped and cannot have metadata.namespace");
            }
        }
        if (!duplicates.isEmpty()) {
            throw new RenderException(
                    duplicates.get(0).substring(0, duplicates.get(0).indexOf(" is defined")),
                    "duplicate objects: " + String.join("; ", duplicates));
        }
    }
}
