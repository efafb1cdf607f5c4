package io.alfred.gitops.config;

/**
 * The validated, effective configuration of one run: configuration keys with command line overrides
 * applied. Made by {@link SettingsResolver} (tests have a builder of their own, {@code TestSettings}).
 */
public record Settings(
        ClusterSettings cluster,
        SourceSettings source,
        RenderSettings render,
        ApplySettings apply,
        SafetySettings safety,
        DriftSettings drift,
        VerifySettings verify,
        PromotionSettings promotion) {}
