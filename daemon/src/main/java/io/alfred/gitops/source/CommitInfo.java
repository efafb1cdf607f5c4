package io.alfred.gitops.source;

/** What a person recognises a commit by: its subject line and author ("Name <email>"). */
public record CommitInfo(String subject, String author) {
    public static CommitInfo unknown() {
        return new CommitInfo("", "");
    }
}
