package io.alfred.gitops.githost;

import java.util.Locale;

/** The git hosts whose commit statuses and comments the daemon writes ({@code gitops.githost.provider}). */
public enum Provider {
    GITHUB("https://api.github.com"),
    GITLAB("https://gitlab.com/api/v4");

    private final String defaultApiUrl;

    Provider(String defaultApiUrl) {
        this.defaultApiUrl = defaultApiUrl;
    }

    /** github.com's or gitlab.com's API; GitHub Enterprise and self-managed GitLab set {@code gitops.githost.api-url}. */
    public String defaultApiUrl() {
        return defaultApiUrl;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
