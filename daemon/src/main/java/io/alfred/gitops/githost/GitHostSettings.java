package io.alfred.gitops.githost;

import io.alfred.gitops.config.InvalidConfigException;
import io.alfred.gitops.trigger.RepoMatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where commit statuses and pull request comments go ({@code gitops.githost.*}).
 *
 * @param apiUrl the REST API's root (GitHub Enterprise: {@code https://HOST/api/v3}; self-managed
 *        GitLab: {@code https://HOST/api/v4})
 * @param repository GitHub's {@code owner/name}, GitLab's project path {@code group/name} (or its id)
 * @param targetUrl the link each status carries (the dashboard), when set
 */
public record GitHostSettings(
        Provider provider, String apiUrl, Path tokenFile, String repository, Optional<String> targetUrl) {

    /**
     * The settings from the configuration keys; empty when {@code gitops.githost.provider} is not
     * set. The repository defaults to the source URL's path.
     */
    public static Optional<GitHostSettings> resolve(
            Optional<String> provider,
            Optional<String> apiUrl,
            Optional<String> tokenFile,
            Optional<String> repository,
            Optional<String> targetUrl,
            String sourceUrl) {
        if (provider.isEmpty() || provider.get().isBlank()) {
            return Optional.empty();
        }
        Provider p;
        try {
            p = Provider.valueOf(provider.get().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(
                    "gitops.githost.provider", "'" + provider.get() + "' is no git host; use github or gitlab");
        }
        if (tokenFile.isEmpty()) {
            throw new InvalidConfigException(
                    "gitops.githost.token-file",
                    "not set; set it to a file holding a token that may write commit statuses and comments");
        }
        Path token = Path.of(tokenFile.get());
        if (!Files.isReadable(token)) {
            throw new InvalidConfigException("gitops.githost.token-file", token + " cannot be read");
        }
        String repo = repository.filter(r -> !r.isBlank()).orElseGet(() -> repositoryOf(sourceUrl));
        if (repo.isBlank() || !repo.contains("/") && !repo.chars().allMatch(Character::isDigit)) {
            throw new InvalidConfigException(
                    "gitops.githost.repository",
                    "not set, and the source URL " + sourceUrl
                            + " names no owner/name; set it (GitHub: owner/name, GitLab: group/project)");
        }
        return Optional.of(new GitHostSettings(
                p, apiUrl.filter(u -> !u.isBlank()).orElse(p.defaultApiUrl()), token, repo, targetUrl));
    }

    /** {@code owner/name} of {@code https://github.com/owner/name.git} or {@code git@github.com:owner/name}. */
    static String repositoryOf(String sourceUrl) {
        String normal = RepoMatcher.normalise(sourceUrl);
        int slash = normal.indexOf('/');
        return slash < 0 || sourceUrl.startsWith("file:") || sourceUrl.startsWith("/")
                ? ""
                : normal.substring(slash + 1);
    }

    /** At most {@code limit} characters, cut with an ellipsis. */
    static String cut(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit - 3) + "...";
    }
}
