package io.alfred.gitops.verify;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.VerifyMode;
import io.alfred.gitops.config.VerifySettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.lib.GpgConfig.GpgFormat;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier.SignatureVerification;
import org.eclipse.jgit.lib.SignatureVerifiers;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The verify stage: whether a revision carries the signatures {@code gitops.source.verify.mode}
 * asks for, by keys the daemon trusts. JGit finds and checks the signatures: its SSH verifier
 * ({@code org.eclipse.jgit.ssh.apache}: {@code allowed_signers} principals, namespace {@code git},
 * validity windows, revoked keys), and for OpenPGP {@link OpenPgpVerifier} on the trusted keyring.
 */
public final class RevisionVerifier {
    /**
     * JGit's verifiers, with ours for OpenPGP, registered on the first verification: JGit finds its
     * own through a service loader (the SSH one loads Apache MINA sshd), about 0.1 s that a command
     * with verification off need not pay.
     */
    private static final class Verifiers {
        static {
            SignatureVerifiers.set(GpgFormat.OPENPGP, new OpenPgpVerifier());
        }

        static void registered() {}
    }

    private final VerifySettings settings;
    /** Read on the first verification: with verification off, never (JGit's configuration, the keyring). */
    private TrustedKeys keys;

    public RevisionVerifier(VerifySettings settings) {
        this.settings = settings;
    }

    private synchronized TrustedKeys keys() {
        if (keys == null) {
            keys = new TrustedKeys(settings);
        }
        return keys;
    }

    public VerifyMode mode() {
        return settings.mode();
    }

    /**
     * @param commit the revision (a full commit SHA)
     * @param tag the annotated tag object the ref names, or null when it names a branch, a commit
     *        or a lightweight tag
     */
    public RevisionVerification verify(Repository repository, String commit, String tag) throws IOException {
        VerifyMode mode = settings.mode();
        if (mode == VerifyMode.OFF) {
            return RevisionVerification.notRequired(commit);
        }
        Verifiers.registered();
        List<SignatureCheck> checks = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repository)) {
            if (mode.tag()) {
                if (tag == null) {
                    checks.add(SignatureCheck.refused(
                            "commit " + Revision.abbreviate(commit),
                            null,
                            "the ref names no annotated " + "tag, and gitops.source.verify.mode=" + mode.label()
                                    + " verifies the tag's signature"));
                } else {
                    RevTag t = walk.parseTag(ObjectId.fromString(tag));
                    checks.add(check(repository, t, t.getRawGpgSignature(), "tag " + t.getTagName()));
                }
            }
            if (mode.head()) {
                RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
                checks.add(check(repository, c, c.getRawGpgSignature(), "commit " + Revision.abbreviate(commit)));
            }
        }
        return new RevisionVerification(commit, checks);
    }

    private SignatureCheck check(Repository repository, RevObject object, byte[] signature, String name) {
        if (signature == null) {
            return SignatureCheck.refused(name, null, "it is not signed");
        }
        GpgFormat format = SignatureVerifiers.getFormat(signature);
        String label = format.name().toLowerCase(Locale.ROOT);
        if (format == GpgFormat.SSH && !keys().trustsSsh()) {
            return SignatureCheck.refused(
                    name,
                    null,
                    "it is signed with an SSH key, and no SSH key is trusted "
                            + "(gitops.source.verify.allowed-signers-file is not set)");
        }
        SignatureVerification v;
        try {
            v = SignatureVerifiers.verify(repository, keys(), object);
        } catch (IOException | RuntimeException e) {
            return SignatureCheck.refused(name, null, "its " + label + " signature cannot be read: " + e.getMessage());
        }
        if (v == null) {
            return SignatureCheck.refused(name, null, "its " + label + " signature cannot be verified here");
        }
        String key = v.keyFingerprint() != null ? v.keyFingerprint() : v.signer();
        if (!v.verified()) {
            String message =
                    v.message() == null || v.message().isEmpty() ? "the signature does not verify" : v.message();
            if (format == GpgFormat.SSH && message.contains("see the log")) {
                // JGit's SSH verifier words a lapsed validity window or a namespace mismatch only so
                message = "the key's allowed_signers entry does not allow it (its validity window, namespaces or "
                        + "key type; gitops.source.verify.allowed-signers-file)";
            }
            return SignatureCheck.refused(name, key, message);
        }
        if (v.expired()) {
            return SignatureCheck.refused(
                    name,
                    key,
                    v.message() == null || v.message().isEmpty()
                            ? "the key was not valid when it signed"
                            : v.message());
        }
        return SignatureCheck.trusted(name, new Signer(label, key, v.keyUser() != null ? v.keyUser() : v.signer()));
    }
}
