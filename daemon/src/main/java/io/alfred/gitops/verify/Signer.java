package io.alfred.gitops.verify;

/**
 * Who signed a revision, as the trusted keys name them.
 *
 * @param format {@code openpgp} or {@code ssh}
 * @param fingerprint the key's fingerprint (OpenPGP: hex; SSH: {@code SHA256:...})
 * @param identity the key's first user id (OpenPGP) or the principal of its {@code allowed_signers} line (SSH)
 */
public record Signer(String format, String fingerprint, String identity) {

    /** {@code ssh SHA256:abc (alice@example.com)}: for logs, status and events. */
    public String describe() {
        return format + " " + fingerprint + (identity == null || identity.isEmpty() ? "" : " (" + identity + ")");
    }
}
