package io.alfred.gitops.trigger;

import java.util.List;

/**
 * A push, as one of the understood notifications describes it.
 *
 * @param repositories the URLs the payload gives for the repository (any spelling); empty when the
 *        notification does not name one (the generic form)
 * @param ref the full ref that moved ({@code refs/heads/main}), or null
 * @param revision the commit it moved to, or null
 * @param actor who pushed, when known
 */
public record PushNotice(String format, List<String> repositories, String ref, String revision, String actor) {}
