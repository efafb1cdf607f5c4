package io.alfred.gitops.config;

/**
 * Every configuration key's default, written once: {@link GitopsConfig}'s {@code @WithDefault}
 * annotations name these, and the settings records' {@code defaults()} parse them.
 */
public final class Defaults {
    private Defaults() {}

    /** {@code gitops.promotion.soak} */
    public static final String PROMOTION_SOAK = "10m";

    /** {@code gitops.namespace} */
    public static final String NAMESPACE = "alfred-gitops";

    /** {@code gitops.cluster.connect-timeout} */
    public static final String CLUSTER_CONNECT_TIMEOUT = "10s";

    /** {@code gitops.source.ref} */
    public static final String SOURCE_REF = "main";

    /** {@code gitops.source.interval} */
    public static final String SOURCE_INTERVAL = "1m";

    /** {@code gitops.source.verify.mode} */
    public static final String SOURCE_VERIFY_MODE = "off";

    /** {@code gitops.render.kustomize} */
    public static final String RENDER_KUSTOMIZE = "auto";

    /** {@code gitops.render.timeout} */
    public static final String RENDER_TIMEOUT = "2m";

    /** {@code gitops.render.limits.file-size} */
    public static final String RENDER_LIMITS_FILE_SIZE = "4Mi";

    /** {@code gitops.render.limits.total-size} */
    public static final String RENDER_LIMITS_TOTAL_SIZE = "64Mi";

    /** {@code gitops.render.limits.files} */
    public static final String RENDER_LIMITS_FILES = "10000";

    /** {@code gitops.render.limits.objects} */
    public static final String RENDER_LIMITS_OBJECTS = "10000";

    /** {@code gitops.render.limits.yaml-aliases} */
    public static final String RENDER_LIMITS_YAML_ALIASES = "50";

    /** {@code gitops.render.limits.yaml-depth} */
    public static final String RENDER_LIMITS_YAML_DEPTH = "100";

    /** {@code gitops.render.limits.yaml-nodes} */
    public static final String RENDER_LIMITS_YAML_NODES = "1000000";

    /** {@code gitops.render.limits.documents} */
    public static final String RENDER_LIMITS_DOCUMENTS = "10000";

    /** {@code gitops.render.limits.checkout-files} */
    public static final String RENDER_LIMITS_CHECKOUT_FILES = "100000";

    /** {@code gitops.render.limits.checkout-size} */
    public static final String RENDER_LIMITS_CHECKOUT_SIZE = "1Gi";

    /** {@code gitops.render.limits.kustomize-memory} */
    public static final String RENDER_LIMITS_KUSTOMIZE_MEMORY = "512Mi";

    /** {@code gitops.render.limits.kustomize-cpu} */
    public static final String RENDER_LIMITS_KUSTOMIZE_CPU = "60s";

    /** {@code gitops.apply.field-manager} */
    public static final String APPLY_FIELD_MANAGER = "alfred-gitops";

    /** {@code gitops.apply.prune} */
    public static final String APPLY_PRUNE = "true";

    /** {@code gitops.apply.prune-guard} */
    public static final String APPLY_PRUNE_GUARD = "0.5";

    /** {@code gitops.apply.allow-empty} */
    public static final String APPLY_ALLOW_EMPTY = "false";

    /** {@code gitops.apply.recreate-immutable} */
    public static final String APPLY_RECREATE_IMMUTABLE = "false";

    /** {@code gitops.safety.pdb} */
    public static final String SAFETY_PDB = "enforce";

    /** {@code gitops.safety.rollout-timeout} */
    public static final String SAFETY_ROLLOUT_TIMEOUT = "5m";

    /** {@code gitops.safety.rollback} */
    public static final String SAFETY_ROLLBACK = "true";

    /** {@code gitops.drift.fight-threshold} */
    public static final String DRIFT_FIGHT_THRESHOLD = "5";

    /** {@code gitops.drift.fight-window} */
    public static final String DRIFT_FIGHT_WINDOW = "1m";

    /** {@code gitops.webhook.pubsub.jwks-url} */
    public static final String WEBHOOK_PUBSUB_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs";

    /** {@code gitops.leader-election.enabled} */
    public static final String LEADER_ELECTION_ENABLED = "false";
}
