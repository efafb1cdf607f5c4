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

        @WithDefault("10m")
        String soak();

        Optional<String> subscription();
    }

    Pubsub pubsub();

    Events events();

    Trigger trigger();

    Webhook webhook();

    Api api();

    LeaderElection leaderElection();

    @WithDefault("alfred-gitops")
    String namespace();

    interface Cluster {
        Optional<String> name();

        Optional<String> environment();

        /** How long a connection to the API server may take before it counts as unreachable. */
        @WithDefault("10s")
        String connectTimeout();
    }

    interface Source {
        Optional<String> url();

        @WithDefault("main")
        String ref();

        /** Defaults to {@code infra/k8s/overlays/<environment>}, resolved after command line overrides. */
        Optional<String> path();

        @WithDefault("1m")
        String interval();

        Optional<String> workdir();

        Auth auth();

        Verify verify();

        /** Which signatures a revision needs before it is rendered; see {@code io.alfred.gitops.verify}. */
        interface Verify {
            @WithDefault("off")
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
        @WithDefault("auto")
        String kustomize();

        @WithDefault("2m")
        String timeout();

        Map<String, String> substitute();

        Limits limits();

        /** What one render may read and use; sizes as 4Mi, 512Mi, 1Gi. */
        interface Limits {
            @WithDefault("4Mi")
            String fileSize();

            @WithDefault("64Mi")
            String totalSize();

            @WithDefault("10000")
            int files();

            @WithDefault("10000")
            int objects();

            @WithDefault("50")
            int yamlAliases();

            @WithDefault("100")
            int yamlDepth();

            @WithDefault("1000000")
            int yamlNodes();

            @WithDefault("10000")
            int documents();

            @WithDefault("100000")
            int checkoutFiles();

            @WithDefault("1Gi")
            String checkoutSize();

            @WithDefault("512Mi")
            String kustomizeMemory();

            @WithDefault("60s")
            String kustomizeCpu();
        }
    }

    interface Apply {
        @WithDefault("alfred-gitops")
        String fieldManager();

        @WithDefault("true")
        boolean prune();

        @WithDefault("0.5")
        double pruneGuard();

        @WithDefault("false")
        boolean allowEmpty();
    }

    interface Safety {
        @WithDefault("enforce")
        String pdb();

        @WithDefault("5m")
        String rolloutTimeout();

        @WithDefault("true")
        boolean rollback();
    }

    interface Drift {
        @WithDefault("5")
        int fightThreshold();

        /** Config Sync's figure: more than 5 corrections per minute is a fight ({@code DefaultFightThreshold}). */
        @WithDefault("1m")
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

            @WithDefault("https://www.googleapis.com/oauth2/v3/certs")
            String jwksUrl();
        }
    }

    interface Api {
        Optional<String> tokenFile();
    }

    interface LeaderElection {
        @WithDefault("false")
        boolean enabled();
    }
}
