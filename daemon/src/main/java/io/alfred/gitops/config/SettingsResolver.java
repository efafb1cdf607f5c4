package io.alfred.gitops.config;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns configuration keys plus command line overrides into validated {@link Settings}. Every
 * problem is reported at once, each naming its key and what is wrong with it.
 */
public final class SettingsResolver {
    private static final Pattern VARIABLE = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");
    private static final Pattern SCP_LIKE = Pattern.compile("^[\\w.-]+@[\\w.-]+:.*");

    private final List<String> problems = new ArrayList<>();

    private SettingsResolver() {}

    public static Settings resolve(GitopsConfig config, Overrides overrides) {
        return new SettingsResolver().doResolve(config, overrides);
    }

    private Settings doResolve(GitopsConfig config, Overrides overrides) {
        String cluster = required(
                "gitops.cluster.name",
                "--cluster",
                overrides.cluster().or(() -> config.cluster().name()));
        String env = required(
                "gitops.cluster.environment",
                "--env",
                overrides.environment().or(() -> config.cluster().environment()));

        Duration connectTimeout =
                duration("gitops.cluster.connect-timeout", config.cluster().connectTimeout());

        GitopsConfig.Source src = config.source();
        String url;
        if (overrides.local().isPresent() && overrides.repo().isEmpty()) {
            url = overrides.local().get().toAbsolutePath().normalize().toUri().toString(); // never fetched
        } else {
            url = required("gitops.source.url", "--repo", overrides.repo().or(src::url));
            if (url != null) {
                url = normaliseUrl(url);
            }
        }
        String ref = overrides.ref().orElse(src.ref()).trim();
        if (ref.isEmpty()) {
            problem("gitops.source.ref", "must not be empty (a branch, refs/tags/... or a commit)");
        }
        String path = overrides.path().or(src::path).orElse(env == null ? null : "infra/k8s/overlays/" + env);
        if (path != null) {
            path = checkRelative("gitops.source.path", path);
        }
        Duration interval = duration("gitops.source.interval", src.interval());
        Path workdir = Path.of(src.workdir().orElse(System.getProperty("java.io.tmpdir") + "/alfred-gitops"));

        GitopsConfig.Source.Auth auth = src.auth();
        Optional<Path> token = readableFile("gitops.source.auth.token-file", auth.tokenFile());
        Optional<Path> sshKey = readableFile("gitops.source.auth.ssh-key-file", auth.sshKeyFile());
        Optional<Path> knownHosts = readableFile("gitops.source.auth.known-hosts-file", auth.knownHostsFile());
        if (url != null && isSsh(url)) {
            if (auth.sshKeyFile().isEmpty()) {
                problem("gitops.source.auth.ssh-key-file", "is required for the SSH URL " + url);
            }
            if (auth.knownHostsFile().isEmpty()) {
                problem(
                        "gitops.source.auth.known-hosts-file",
                        "is required for the SSH URL " + url + " (host keys are always checked strictly)");
            }
        }
        if (auth.username().isPresent() && auth.tokenFile().isEmpty()) {
            problem("gitops.source.auth.token-file", "is required when gitops.source.auth.username is set");
        }

        GitopsConfig.Render render = config.render();
        Duration renderTimeout = duration("gitops.render.timeout", render.timeout());
        Map<String, String> substitutions = new LinkedHashMap<>();
        render.substitute().forEach((name, value) -> {
            if (!VARIABLE.matcher(name).matches()) {
                problem("gitops.render.substitute." + name, "is not a valid variable name (letters, digits, _)");
            }
            substitutions.put(name, value);
        });
        substitutions.put("cluster_name", cluster == null ? "" : cluster);
        substitutions.put("cluster_env", env == null ? "" : env);

        GitopsConfig.Render.Limits l = render.limits();
        Long checkoutSize = guard(() -> Sizes.parse("gitops.render.limits.checkout-size", l.checkoutSize()));
        positive("gitops.render.limits.checkout-files", l.checkoutFiles());
        Long fileSize = guard(() -> Sizes.parse("gitops.render.limits.file-size", l.fileSize()));
        Long totalSize = guard(() -> Sizes.parse("gitops.render.limits.total-size", l.totalSize()));
        Long kustomizeMemory = guard(() -> Sizes.parse("gitops.render.limits.kustomize-memory", l.kustomizeMemory()));
        Duration kustomizeCpu = duration("gitops.render.limits.kustomize-cpu", l.kustomizeCpu());
        positive("gitops.render.limits.files", l.files());
        positive("gitops.render.limits.objects", l.objects());
        positive("gitops.render.limits.yaml-aliases", l.yamlAliases());
        positive("gitops.render.limits.yaml-depth", l.yamlDepth());
        positive("gitops.render.limits.yaml-nodes", l.yamlNodes());
        positive("gitops.render.limits.documents", l.documents());
        RenderLimits limits = problems.isEmpty()
                ? new RenderLimits(
                        l.checkoutFiles(),
                        checkoutSize,
                        fileSize,
                        totalSize,
                        l.files(),
                        l.objects(),
                        new YamlLimits(l.yamlAliases(), l.yamlDepth(), l.yamlNodes(), l.documents()),
                        kustomizeMemory,
                        kustomizeCpu)
                : null;

        GitopsConfig.Apply apply = config.apply();
        if (apply.fieldManager().isBlank()) {
            problem("gitops.apply.field-manager", "must not be empty");
        }
        if (!(apply.pruneGuard() > 0 && apply.pruneGuard() <= 1)) {
            problem(
                    "gitops.apply.prune-guard",
                    "must be a share of the inventory above 0 and at most 1, got " + apply.pruneGuard());
        }
        if (!config.namespace().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
                || config.namespace().length() > 63) {
            problem("gitops.namespace", "'" + config.namespace() + "' is not a valid namespace name");
        }

        if (config.pubsub().project().isEmpty()) {
            config.events()
                    .topic()
                    .ifPresent(t -> problem("gitops.pubsub.project", "is not set (required by gitops.events.topic)"));
            config.trigger()
                    .subscription()
                    .ifPresent(t ->
                            problem("gitops.pubsub.project", "is not set (required by gitops.trigger.subscription)"));
            config.fleet()
                    .subscription()
                    .ifPresent(t ->
                            problem("gitops.pubsub.project", "is not set (required by gitops.fleet.subscription)"));
        }

        GitopsConfig.Safety safety = config.safety();
        Optional<PdbMode> pdb = PdbMode.of(safety.pdb());
        if (pdb.isEmpty()) {
            problem("gitops.safety.pdb", "must be enforce, warn or off, got '" + safety.pdb() + "'");
        }
        Duration rolloutTimeout = duration("gitops.safety.rollout-timeout", safety.rolloutTimeout());
        GitopsConfig.Drift drift = config.drift();
        if (drift.fightThreshold() < 2) {
            problem("gitops.drift.fight-threshold", "must be at least 2, got " + drift.fightThreshold());
        }
        Duration fightWindow = duration("gitops.drift.fight-window", drift.fightWindow());

        VerifySettings verify = verifySettings(src.verify());
        PromotionSettings promotion = promotionSettings(config);

        if (!problems.isEmpty()) {
            throw new StageException(Stage.CONFIG, "", "invalid configuration: " + String.join("; ", problems));
        }
        SourceSettings source =
                new SourceSettings(url, ref, path, interval, workdir, auth.username(), token, sshKey, knownHosts);
        return new Settings(
                new ClusterSettings(cluster, env, connectTimeout),
                source,
                new RenderSettings(render.kustomize(), renderTimeout, substitutions, limits),
                new ApplySettings(
                        apply.fieldManager(),
                        apply.prune(),
                        apply.pruneGuard(),
                        apply.allowEmpty(),
                        apply.recreateImmutable(),
                        config.namespace()),
                new SafetySettings(pdb.orElseThrow(), rolloutTimeout, safety.rollback()),
                new DriftSettings(drift.fightThreshold(), fightWindow),
                verify,
                promotion);
    }

    private PromotionSettings promotionSettings(GitopsConfig config) {
        GitopsConfig.Promotion p = config.promotion();
        List<String> after = p.after().orElse(List.of()).stream()
                .map(String::trim)
                .filter(a -> !a.isEmpty())
                .toList();
        Duration soak = duration("gitops.promotion.soak", p.soak());
        if (!after.isEmpty()) {
            if (p.subscription().isEmpty()) {
                problem(
                        "gitops.promotion.subscription",
                        "is required by gitops.promotion.after (a subscription on the "
                                + "events topic the upstream clusters publish to)");
            }
            if (config.pubsub().project().isEmpty()) {
                problem("gitops.pubsub.project", "is not set (required by gitops.promotion.subscription)");
            }
        }
        return new PromotionSettings(after, soak == null ? Duration.ZERO : soak, p.subscription());
    }

    private VerifySettings verifySettings(GitopsConfig.Source.Verify v) {
        Optional<VerifyMode> mode = VerifyMode.parse(v.mode());
        if (mode.isEmpty()) {
            problem("gitops.source.verify.mode", "must be off, head, tag or tag-and-head, got '" + v.mode() + "'");
        }
        Optional<Path> gpgKeys = readableFile("gitops.source.verify.gpg-keys-file", v.gpgKeysFile());
        Optional<Path> allowedSigners =
                readableFile("gitops.source.verify.allowed-signers-file", v.allowedSignersFile());
        Optional<Path> revoked = readableFile("gitops.source.verify.revoked-keys-file", v.revokedKeysFile());
        if (mode.isPresent()
                && mode.get() != VerifyMode.OFF
                && v.gpgKeysFile().isEmpty()
                && v.allowedSignersFile().isEmpty()) {
            problem(
                    "gitops.source.verify.mode",
                    "is " + v.mode() + " but no trusted keys are set (gitops.source.verify."
                            + "gpg-keys-file and/or gitops.source.verify.allowed-signers-file)");
        }
        return new VerifySettings(mode.orElse(VerifyMode.OFF), gpgKeys, allowedSigners, revoked);
    }

    public static boolean isSsh(String url) {
        return url.startsWith("ssh://") || SCP_LIKE.matcher(url).matches();
    }

    /** A local directory holding a git repository is read through a file:// URL, exactly as a remote. */
    private String normaliseUrl(String url) {
        if (url.contains("://") || SCP_LIKE.matcher(url).matches()) {
            return url;
        }
        Path dir = Path.of(url).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            problem("gitops.source.url", "'" + url + "' is neither a URL nor an existing directory");
            return null;
        }
        if (!Files.exists(dir.resolve(".git")) && !Files.exists(dir.resolve("HEAD"))) {
            problem("gitops.source.url", "directory '" + dir + "' does not hold a git repository");
            return null;
        }
        return dir.toUri().toString();
    }

    private String checkRelative(String key, String path) {
        Path p = Path.of(path).normalize();
        if (p.isAbsolute() || p.startsWith("..")) {
            problem(key, "'" + path + "' must be a path inside the repository");
            return null;
        }
        return p.toString().isEmpty() ? "." : p.toString();
    }

    private String required(String key, String option, Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            problem(
                    key,
                    "is not set (set it in application.properties, as "
                            + key.toUpperCase().replace('.', '_').replace('-', '_') + " or with " + option + ")");
            return null;
        }
        return value.get().trim();
    }

    private Duration duration(String key, String text) {
        return guard(() -> Durations.parse(key, text));
    }

    private Optional<Path> readableFile(String key, Optional<String> file) {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path p = Path.of(file.get());
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            problem(key, "file '" + p + "' does not exist or is not readable");
        }
        return Optional.of(p);
    }

    private <T> T guard(Supplier<T> s) {
        try {
            return s.get();
        } catch (StageException e) {
            problem(e.object(), e.reason());
            return null;
        }
    }

    private void positive(String key, int value) {
        if (value <= 0) {
            problem(key, "must be a positive number, got " + value);
        }
    }

    private void problem(String key, String reason) {
        problems.add(key + " " + reason);
    }
}
