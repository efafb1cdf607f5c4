package io.alfred.gitops.source;

/**
 * What a poll of the source found.
 *
 * @param revision the full commit SHA the configured ref points at
 * @param changed whether it differs from the revision the previous poll returned
 * @param fetched whether objects were fetched from the remote (false when the remote ref had not moved)
 */
public record PollResult(String revision, boolean changed, boolean fetched) {}
