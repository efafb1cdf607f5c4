package io.alfred.gitops.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code gitops.*} key of docs/reference.md. Durations are read as text and parsed by
 * {@link SettingsResolver} so that a bad value gets a message naming its key, and so that command
 * line options can override them before validation.
 */
@ConfigMapping(prefix = "gitops")
public interface GitopsConfig {

    Cluster cluster();

    Source source();

    Render render();

    Apply apply();

    Safety safety();

    Drift drift();

    Promotion promotion();

    /** Promotion across environments: see {@code io.alfred.gitops.promotion}. */
    interface Promotion {
        Optional<List<String>> after();

        @WithDefault(Defaults.PROMOTION_SOAK)
        String soak();

        Optional<String> subscription();
    }

    Pubsub pubsub();

    Events events();

    Trigger trigger();

    Webhook webhook();

    Api api();

    Githost githost();

    Fleet fleet();

    /** The dashboard's fleet page: every cluster heard of on the events topic. */
    interface Fleet {
        /** A subscription on the events topic (project {@code gitops.pubsub.project}); no fleet page without it. */
        Optional<String> subscription();
    }

    LeaderElection leaderElection();

    @WithDefault(Defaults.NAMESPACE)
    String namespace();

    interface Cluster {
        Optional<String> name();

        Optional<String> environment();

        /** How long a connection to the API server may take before it counts as unreachable. */
        @WithDefault(Defaults.CLUSTER_CONNECT_TIMEOUT)
        String connectTimeout();
    }

    interface Source {
        Optional<String> url();

        @WithDefault(Defaults.SOURCE_REF)
        String ref();

        /** Defaults to {@code infra/k8s/overlays/<environment>}, resolved after command line overrides. */
        Optional<String> path();

        @WithDefault(Defaults.SOURCE_INTERVAL)
        String interval();

        Optional<String> workdir();

        Auth auth();

        Verify verify();

        /** Which signatures a revision needs before it is rendered; see {@code io.alfred.gitops.verify}. */
        interface Verify {
            @WithDefault(Defaults.SOURCE_VERIFY_MODE)
            String mode();

            Optional<String> gpgKeysFile();

            Optional<String> allowedSignersFile();

            Optional<String> revokedKeysFile();
        }

        interface Auth {
            Optional<String> username();

            Optional<String> tokenFile();

            Optional<String> sshKeyFile();

            Optional<String> knownHostsFile();
        }
    }

    interface Render {
        @WithDefault(Defaults.RENDER_KUSTOMIZE)
        String kustomize();

        @WithDefault(Defaults.RENDER_TIMEOUT)
        String timeout();

        Map<String, String> substitute();

        Limits limits();

        /** What one render may read and use; sizes as 4Mi, 512Mi, 1Gi. */
        interface Limits {
            @WithDefault(Defaults.RENDER_LIMITS_FILE_SIZE)
            String fileSize();

            @WithDefault(Defaults.RENDER_LIMITS_TOTAL_SIZE)
            String totalSize();

            @WithDefault(Defaults.RENDER_LIMITS_FILES)
            int files();

            @WithDefault(Defaults.RENDER_LIMITS_OBJECTS)
            int objects();

            @WithDefault(Defaults.RENDER_LIMITS_YAML_ALIASES)
            int yamlAliases();

            @WithDefault(Defaults.RENDER_LIMITS_YAML_DEPTH)
            int yamlDepth();

            @WithDefault(Defaults.RENDER_LIMITS_YAML_NODES)
            int yamlNodes();

            @WithDefault(Defaults.RENDER_LIMITS_DOCUMENTS)
            int documents();

            @WithDefault(Defaults.RENDER_LIMITS_CHECKOUT_FILES)
            int checkoutFiles();

            @WithDefault(Defaults.RENDER_LIMITS_CHECKOUT_SIZE)
            String checkoutSize();

            @WithDefault(Defaults.RENDER_LIMITS_KUSTOMIZE_MEMORY)
            String kustomizeMemory();

            @WithDefault(Defaults.RENDER_LIMITS_KUSTOMIZE_CPU)
            String kustomizeCpu();
        }
    }

    interface Apply {
        @WithDefault(Defaults.APPLY_FIELD_MANAGER)
        String fieldManager();

        @WithDefault(Defaults.APPLY_PRUNE)
        boolean prune();

        @WithDefault(Defaults.APPLY_PRUNE_GUARD)
        double pruneGuard();

        @WithDefault(Defaults.APPLY_ALLOW_EMPTY)
        boolean allowEmpty();

        /** Recreate an object whose change the API server refuses for an immutable field. */
        @WithDefault(Defaults.APPLY_RECREATE_IMMUTABLE)
        boolean recreateImmutable();
    }

    interface Safety {
        @WithDefault(Defaults.SAFETY_PDB)
        String pdb();

        @WithDefault(Defaults.SAFETY_ROLLOUT_TIMEOUT)
        String rolloutTimeout();

        @WithDefault(Defaults.SAFETY_ROLLBACK)
        boolean rollback();
    }

    interface Drift {
        @WithDefault(Defaults.DRIFT_FIGHT_THRESHOLD)
        int fightThreshold();

        /** Config Sync's figure: more than 5 corrections per minute is a fight ({@code DefaultFightThreshold}). */
        @WithDefault(Defaults.DRIFT_FIGHT_WINDOW)
        String fightWindow();
    }

    interface Pubsub {
        Optional<String> project();
    }

    interface Events {
        Optional<String> topic();
    }

    interface Trigger {
        Optional<String> subscription();
    }

    interface Webhook {
        Github github();

        Gitlab gitlab();

        Pubsub pubsub();

        interface Github {
            Optional<String> secretFile();
        }

        interface Gitlab {
            Optional<String> tokenFile();
        }

        interface Pubsub {
            /** Expected {@code aud} of push tokens; the push endpoint is off without it. */
            Optional<String> audience();

            /** Expected {@code email} of push tokens: the push subscription's service account. */
            Optional<String> serviceAccount();

            @WithDefault(Defaults.WEBHOOK_PUBSUB_JWKS_URL)
            String jwksUrl();
        }
    }

    interface Api {
        Optional<String> tokenFile();
    }

    /** Commit statuses and pull request comments (docs/operations.md, "Pull request previews"). */
    interface Githost {
        /** {@code github} or {@code gitlab}; nothing is written to a git host without it. */
        Optional<String> provider();

        /** The REST API's root; github.com's or gitlab.com's by default. */
        Optional<String> apiUrl();

        /** A file holding a token that may write commit statuses and comments. */
        Optional<String> tokenFile();

        /** GitHub's owner/name or GitLab's group/project; by default the source URL's path. */
        Optional<String> repository();

        /** The link each status carries (the dashboard's URL). */
        Optional<String> targetUrl();
    }

    interface LeaderElection {
        @WithDefault(Defaults.LEADER_ELECTION_ENABLED)
        boolean enabled();
    }
}
