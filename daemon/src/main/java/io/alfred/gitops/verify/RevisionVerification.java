package io.alfred.gitops.verify;

import java.util.List;
import java.util.Optional;

/**
 * What verification says of one revision under the configured mode: the checks it made (the
 * annotated tag, the commit, or both), in that order.
 */
public record RevisionVerification(String revision, List<SignatureCheck> checks) {

    /** Nothing was required ({@code gitops.source.verify.mode=off}). */
    public static RevisionVerification notRequired(String revision) {
        return new RevisionVerification(revision, List.of());
    }

    public boolean isRequired() {
        return !checks.isEmpty();
    }

    public boolean isVerified() {
        return checks.stream().allMatch(SignatureCheck::isTrusted);
    }

    /** The first check that failed. */
    public Optional<SignatureCheck> refusal() {
        return checks.stream().filter(c -> !c.isTrusted()).findFirst();
    }

    /** Who approved it: the signer of the commit when it was checked, else of the tag. */
    public Optional<Signer> signer() {
        if (!isVerified()) {
            return Optional.empty();
        }
        return checks.stream()
                .filter(c -> c.object().startsWith("commit"))
                .findFirst()
                .or(() -> checks.stream().findFirst())
                .flatMap(SignatureCheck::signer);
    }
}
