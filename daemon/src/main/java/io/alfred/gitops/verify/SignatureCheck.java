package io.alfred.gitops.verify;

import java.util.Optional;

/**
 * The verdict on one signed object (a commit or an annotated tag).
 *
 * @param object what was checked: {@code commit 1a2b3c4} or {@code tag v1.2}
 * @param signer who signed it, when the key is trusted and the signature good
 * @param key the key id or fingerprint the signature names, when it was read (for refusals too)
 * @param reason why it is refused, empty when trusted
 */
public record SignatureCheck(String object, Optional<Signer> signer, String key, String reason) {

    public static SignatureCheck trusted(String object, Signer signer) {
        return new SignatureCheck(object, Optional.of(signer), signer.fingerprint(), "");
    }

    public static SignatureCheck refused(String object, String key, String reason) {
        return new SignatureCheck(object, Optional.empty(), key == null ? "" : key, reason);
    }

    public boolean isTrusted() {
        return signer.isPresent();
    }

    /** {@code commit 1a2b3c4 signed by key ABCD: the key has expired}. */
    public String describe() {
        if (isTrusted()) {
            return object + " signed by " + signer.get().describe();
        }
        return object + (key.isEmpty() ? "" : " (key " + key + ")") + ": " + reason;
    }
}
