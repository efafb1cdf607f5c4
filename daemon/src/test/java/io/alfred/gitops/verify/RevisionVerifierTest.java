package io.alfred.gitops.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.alfred.gitops.Revision;
import io.alfred.gitops.config.VerifyMode;
import io.alfred.gitops.config.VerifySettings;
import io.alfred.gitops.testing.Signing;
import io.alfred.gitops.testing.Signing.OpenPgpKey;
import io.alfred.gitops.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits and tags signed in the test with real keys (OpenPGP keys generated with Bouncy Castle,
 * SSH keys from ssh-keygen and signatures by the git CLI), verified under each mode.
 */
class RevisionVerifierTest {
    @TempDir
    static Path keys;

    @TempDir
    Path tmp;

    static OpenPgpKey alice;
    static OpenPgpKey mallory;
    static OpenPgpKey expired;
    static Path carol;
    static Path dave;

    @BeforeAll
    static void makeKeys() throws Exception {
        alice = Signing.openPgpKey("Alice <alice@example.com>", new Date(), 0);
        mallory = Signing.openPgpKey("Mallory <mallory@example.com>", new Date(), 0);
        Date tenDaysAgo = Date.from(Instant.now().minus(Duration.ofDays(10)));
        expired = Signing.openPgpKey(
                "Old <old@example.com>", tenDaysAgo, Duration.ofDays(1).toSeconds());
        carol = Signing.sshKey(keys, "carol");
        dave = Signing.sshKey(keys, "dave");
    }

    private Path file(String name, String content) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private static RevisionVerifier verifier(VerifyMode mode, Path gpgKeys, Path allowedSigners, Path revoked) {
        return new RevisionVerifier(new VerifySettings(
                mode, Optional.ofNullable(gpgKeys), Optional.ofNullable(allowedSigners), Optional.ofNullable(revoked)));
    }

    private static RevisionVerification verify(RevisionVerifier verifier, Repository r, String commit, String tag)
            throws Exception {
        return verifier.verify(r, commit, tag);
    }

    @Test
    void openPgpCommits() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"))) {
            Repository r = repo.repository();
            Path trusted = file("keys.asc", alice.armoredPublicKey() + "\n" + expired.armoredPublicKey());
            RevisionVerifier v = verifier(VerifyMode.HEAD, trusted, null, null);

            String good = Signing.commitOpenPgp(r, "good", alice, false);
            RevisionVerification ok = verify(v, r, good, null);
            assertThat(ok.isVerified()).as(ok.toString()).isTrue();
            assertThat(ok.signer().orElseThrow().identity()).isEqualTo("Alice <alice@example.com>");
            assertThat(ok.signer().orElseThrow().format()).isEqualTo("openpgp");
            assertThat(ok.signer().orElseThrow().fingerprint()).matches("[0-9A-F]{40}");

            assertThat(refusal(v, r, Signing.commitOpenPgp(r, "unsigned", null, false)))
                    .contains("it is not signed");
            assertThat(refusal(v, r, Signing.commitOpenPgp(r, "unknown", mallory, false)))
                    .contains("not a trusted key");
            assertThat(refusal(v, r, Signing.commitOpenPgp(r, "expired", expired, false)))
                    .contains("expired");
            assertThat(refusal(v, r, Signing.commitOpenPgp(r, "tampered", alice, true)))
                    .contains("does not match");

            // key rotation without a restart: mallory's key added to the file, alice's removed
            String byMallory = Signing.commitOpenPgp(r, "by mallory", mallory, false);
            Files.writeString(trusted, mallory.armoredPublicKey());
            Files.setLastModifiedTime(trusted, FileTime.from(Instant.now().plusSeconds(5)));
            assertThat(verify(v, r, byMallory, null).isVerified()).isTrue();
            assertThat(refusal(v, r, good)).contains("not a trusted key");
        }
    }

    @Test
    void openPgpTagsUnderEachMode() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"))) {
            Repository r = repo.repository();
            RevisionVerifier head = verifier(VerifyMode.HEAD, file("k.asc", alice.armoredPublicKey()), null, null);
            RevisionVerifier tag = verifier(VerifyMode.TAG, tmp.resolve("k.asc"), null, null);
            RevisionVerifier both = verifier(VerifyMode.TAG_AND_HEAD, tmp.resolve("k.asc"), null, null);

            String unsignedCommit = Signing.commitOpenPgp(r, "unsigned", null, false);
            String signedTag = Signing.tagOpenPgp(r, "v1", unsignedCommit, alice);
            assertThat(verify(tag, r, unsignedCommit, signedTag).isVerified()).isTrue();
            assertThat(verify(head, r, unsignedCommit, signedTag).isVerified()).isFalse();
            assertThat(verify(both, r, unsignedCommit, signedTag)
                            .refusal()
                            .orElseThrow()
                            .describe())
                    .startsWith("commit " + Revision.abbreviate(unsignedCommit))
                    .contains("not signed");
            assertThat(verify(tag, r, unsignedCommit, null)
                            .refusal()
                            .orElseThrow()
                            .reason())
                    .contains("names no annotated tag");

            String signedCommit = Signing.commitOpenPgp(r, "signed", alice, false);
            String unsignedTag = Signing.tagOpenPgp(r, "v2", signedCommit, null);
            assertThat(verify(head, r, signedCommit, unsignedTag).isVerified()).isTrue();
            assertThat(verify(tag, r, signedCommit, unsignedTag)
                            .refusal()
                            .orElseThrow()
                            .describe())
                    .isEqualTo("tag v2: it is not signed");
            assertThat(verify(both, r, signedCommit, Signing.tagOpenPgp(r, "v3", signedCommit, alice))
                            .isVerified())
                    .isTrue();
        }
    }

    @Test
    void sshCommitsAndTags() throws Exception {
        try (TestRepo repo = TestRepo.withExample(tmp.resolve("repo"))) {
            Repository r = repo.repository();
            Path work = repo.dir();
            Path allowed =
                    file("allowed_signers", "carol@example.com namespaces=\"git\" " + Signing.publicKey(carol) + "\n");
            RevisionVerifier head = verifier(VerifyMode.HEAD, null, allowed, null);

            String good = Signing.commitSsh(work, "good", carol);
            RevisionVerification ok = verify(head, r, good, null);
            assertThat(ok.isVerified()).as(ok.toString()).isTrue();
            assertThat(ok.signer().orElseThrow().identity()).isEqualTo("carol@example.com");
            assertThat(ok.signer().orElseThrow().fingerprint()).startsWith("SHA256:");

            assertThat(refusal(head, r, Signing.commitSsh(work, "unknown", dave)))
                    .contains("No principal matched");
            assertThat(refusal(head, r, Signing.commitSsh(work, "unsigned", null)))
                    .contains("not signed");
            // an SSH signature with no SSH keys trusted
            assertThat(refusal(verifier(VerifyMode.HEAD, file("k.asc", alice.armoredPublicKey()), null, null), r, good))
                    .contains("no SSH key is trusted");

            // a validity window that has ended
            Path lapsed = file(
                    "lapsed_signers",
                    "carol@example.com namespaces=\"git\",valid-before=\"20200101\" " + Signing.publicKey(carol)
                            + "\n");
            assertThat(refusal(verifier(VerifyMode.HEAD, null, lapsed, null), r, good))
                    .contains("validity window");
            // a revoked key
            Path revoked = file("revoked_keys", Signing.publicKey(carol) + "\n");
            assertThat(refusal(verifier(VerifyMode.HEAD, null, allowed, revoked), r, good))
                    .contains("revoked");

            // a signed tag on an unsigned commit
            String unsigned = Signing.commitSsh(work, "unsigned too", null);
            String tag = Signing.tagSsh(work, "v1", carol);
            assertThat(verify(verifier(VerifyMode.TAG, null, allowed, null), r, unsigned, tag)
                            .isVerified())
                    .isTrue();
            assertThat(verify(verifier(VerifyMode.TAG_AND_HEAD, null, allowed, null), r, unsigned, tag)
                            .isVerified())
                    .isFalse();

            // rotation: dave added to the allowed signers file while the verifier runs
            String byDave = Signing.commitSsh(work, "by dave", dave);
            assertThat(verify(head, r, byDave, null).isVerified()).isFalse();
            Files.writeString(allowed, "dave@example.com namespaces=\"git\" " + Signing.publicKey(dave) + "\n");
            Files.setLastModifiedTime(allowed, FileTime.from(Instant.now().plusSeconds(5)));
            RevisionVerification rotated = verify(head, r, byDave, null);
            assertThat(rotated.isVerified()).as(rotated.toString()).isTrue();
            assertThat(rotated.signer().orElseThrow().identity()).isEqualTo("dave@example.com");
        }
    }

    private static String refusal(RevisionVerifier v, Repository r, String commit) throws Exception {
        RevisionVerification result = v.verify(r, commit, null);
        assertThat(result.isVerified()).as("%s", result).isFalse();
        return result.refusal().orElseThrow().describe();
    }
}
