package io.alfred.gitops.verify;

import io.alfred.gitops.config.VerifySettings;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;

/**
 * The keys a revision may be signed with, handed to JGit's verifiers as their {@link GpgConfig}:
 * JGit's SSH verifier reads the {@code allowed_signers} and revocation files named here, and the
 * OpenPGP verifier ({@link OpenPgpVerifier}) the keyring.
 */
final class TrustedKeys extends GpgConfig {
    private final Optional<OpenPgpKeyring> openPgp;
    private final Optional<Path> allowedSigners;
    private final Optional<Path> revoked;

    TrustedKeys(VerifySettings settings) {
        super(new Config());
        this.openPgp = settings.gpgKeysFile().map(OpenPgpKeyring::new);
        this.allowedSigners = settings.allowedSignersFile();
        this.revoked = settings.revokedKeysFile();
    }

    Optional<OpenPgpKeyring> openPgp() {
        return openPgp;
    }

    boolean trustsSsh() {
        return allowedSigners.isPresent();
    }

    @Override
    public String getSshAllowedSignersFile() {
        return allowedSigners.map(Path::toString).orElse(null);
    }

    @Override
    public String getSshRevocationFile() {
        return revoked.map(Path::toString).orElse(null);
    }
}
