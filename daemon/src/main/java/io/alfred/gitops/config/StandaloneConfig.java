package io.alfred.gitops.config;

import io.smallrye.config.DotEnvConfigSourceProvider;
import io.smallrye.config.PropertiesConfigSourceLoader;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The configuration read without starting the application, for the commands that need none of its
 * services ({@code render}; {@code diff} and {@code reconcile --once} on a kubeconfig's cluster). The sources and their order are the application's own (Quarkus'
 * defaults), so a key means the same in both: system properties (400), environment variables (300),
 * {@code .env} in the working directory (295), {@code config/application.properties} in the working
 * directory (260), {@code application.properties} in the jar (250); the profile is
 * {@code quarkus.profile} ({@code QUARKUS_PROFILE}), else {@code prod}. {@code StandaloneConfigTest}
 * compares what it resolves with the injected configuration.
 */
public final class StandaloneConfig {
    private final SmallRyeConfig config;

    private StandaloneConfig(SmallRyeConfig config) {
        this.config = config;
    }

    /** The configuration under the profile the packaged application runs with. */
    public static StandaloneConfig read() {
        return read(profile());
    }

    public static StandaloneConfig read(String profile) {
        ClassLoader loader = StandaloneConfig.class.getClassLoader();
        return new StandaloneConfig(new SmallRyeConfigBuilder()
                .forClassLoader(loader)
                .addDefaultInterceptors()
                .addSystemSources()
                .withSources(DotEnvConfigSourceProvider.dotEnvSources(loader))
                .withSources(PropertiesConfigSourceLoader.inFileSystem(
                        Path.of("config", "application.properties")
                                .toAbsolutePath()
                                .toUri()
                                .toString(),
                        260,
                        loader))
                .withSources(PropertiesConfigSourceLoader.inClassPath("application.properties", 250, loader))
                .withProfile(profile)
                .withMapping(GitopsConfig.class)
                .build());
    }

    /** The {@code gitops.*} keys. */
    public GitopsConfig gitops() {
        return config.getConfigMapping(GitopsConfig.class);
    }

    /** Any other key, e.g. the console log's format ({@code quarkus.log.console.format}). */
    public Optional<String> value(String key) {
        return config.getOptionalValue(key, String.class);
    }

    /** A key the application's properties always set, e.g. the console log's format. */
    public String required(String key) {
        return config.getValue(key, String.class);
    }

    /** The names of every key set in a source. */
    public Iterable<String> names() {
        return config.getPropertyNames();
    }

    private static String profile() {
        return Optional.ofNullable(System.getProperty("quarkus.profile"))
                .or(() -> Optional.ofNullable(System.getenv("QUARKUS_PROFILE")))
                .filter(p -> !p.isBlank())
                .orElse("prod");
    }
}
