package io.alfred.gitops.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Signature verification of revisions before they are rendered.
 *
 * @param gpgKeysFile trusted OpenPGP public keys, armored, several per file
 * @param allowedSignersFile trusted SSH keys, in OpenSSH's {@code allowed_signers} format
 * @param revokedKeysFile SSH keys no longer trusted (OpenSSH's revocation file: public keys or a KRL)
 */
public record VerifySettings(
        VerifyMode mode,
        Optional<Path> gpgKeysFile,
        Optional<Path> allowedSignersFile,
        Optional<Path> revokedKeysFile) {

    public static VerifySettings off() {
        return new VerifySettings(VerifyMode.OFF, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
