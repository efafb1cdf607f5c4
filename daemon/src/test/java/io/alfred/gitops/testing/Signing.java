package io.alfred.gitops.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Signing keys made in the test, and commits and tags signed with them: OpenPGP keys generated with
 * Bouncy Castle and signatures added through JGit's {@link CommitBuilder}/{@link TagBuilder}; SSH keys
 * from {@code ssh-keygen}, and commits and tags signed by the {@code git} CLI with
 * {@code gpg.format=ssh}.
 */
public final class Signing {
    private static final PersonIdent IDENT = new PersonIdent("Test Signer", "signer@example.com");

    private Signing() {}

    /**
     * An OpenPGP key pair with one user id; {@code expiresAfter} seconds of validity (0: never),
     * created at {@code created}.
     */
    public record OpenPgpKey(PGPKeyPair pair, String userId, String armoredPublicKey) {}

    /** A configuration in force until closed; closing cannot fail. */
    public interface Setting extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * For commands launched in this JVM: {@code gitops.source.verify.mode=head} with {@code key} the
     * only trusted OpenPGP key (written to {@code dir/keys.asc}), as system properties until closed.
     */
    public static Setting requireSignedHeads(OpenPgpKey key, Path dir) throws IOException {
        Path keys = Files.writeString(dir.resolve("keys.asc"), key.armoredPublicKey());
        System.setProperty("gitops.source.verify.mode", "head");
        System.setProperty("gitops.source.verify.gpg-keys-file", keys.toString());
        return () -> {
            System.clearProperty("gitops.source.verify.mode");
            System.clearProperty("gitops.source.verify.gpg-keys-file");
        };
    }

    public static OpenPgpKey openPgpKey(String userId, Date created, long expiresAfter)
            throws PGPException, IOException {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 12));
        PGPKeyPair pair = new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, generator.generateKeyPair(), created);
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setKeyFlags(
                false, org.bouncycastle.bcpg.sig.KeyFlags.SIGN_DATA | org.bouncycastle.bcpg.sig.KeyFlags.CERTIFY_OTHER);
        hashed.setSignatureCreationTime(false, created);
        if (expiresAfter > 0) {
            hashed.setKeyExpirationTime(false, expiresAfter);
        }
        PGPSignatureGenerator certifier = new PGPSignatureGenerator(
                new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256),
                pair.getPublicKey());
        certifier.init(PGPSignature.POSITIVE_CERTIFICATION, pair.getPrivateKey());
        certifier.setHashedSubpackets(hashed.generate());
        PGPSignature certification = certifier.generateCertification(userId, pair.getPublicKey());
        PGPPublicKey certified = PGPPublicKey.addCertification(pair.getPublicKey(), userId, certification);
        PGPKeyPair withUser = new PGPKeyPair(certified, pair.getPrivateKey());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
            certified.encode(armored);
        }
        return new OpenPgpKey(withUser, userId, out.toString(StandardCharsets.US_ASCII));
    }

    public static byte[] openPgpSignature(OpenPgpKey key, byte[] payload) throws PGPException, IOException {
        PGPSignatureGenerator generator = new PGPSignatureGenerator(
                new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256),
                key.pair().getPublicKey());
        generator.init(PGPSignature.BINARY_DOCUMENT, key.pair().getPrivateKey());
        generator.update(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream armored = new ArmoredOutputStream(out)) {
            generator.generate().encode(armored);
        }
        return out.toByteArray();
    }

    /**
     * A commit on {@code main} with the tree of the current head, signed by {@code key} (or unsigned
     * when null); with {@code tamper}, the signature is of another message than the commit's.
     */
    public static String commitOpenPgp(Repository repository, String message, OpenPgpKey key, boolean tamper)
            throws Exception {
        try (RevWalk walk = new RevWalk(repository);
                ObjectInserter inserter = repository.newObjectInserter()) {
            RevCommit head = walk.parseCommit(repository.resolve("refs/heads/main"));
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(head.getTree());
            commit.setParentId(head);
            commit.setAuthor(IDENT);
            commit.setCommitter(IDENT);
            commit.setMessage(tamper ? message + " (as signed)" : message);
            if (key != null) {
                byte[] signature = openPgpSignature(key, commit.build());
                commit.setGpgSignature(new GpgSignature(signature));
                commit.setMessage(message);
            }
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repository.updateRef("refs/heads/main");
            update.setNewObjectId(id);
            update.forceUpdate();
            return id.name();
        }
    }

    /**
     * An annotated tag on {@code commit}, signed by {@code key} (or unsigned when null); returns the tag object's id.
     */
    public static String tagOpenPgp(Repository repository, String name, String commit, OpenPgpKey key)
            throws Exception {
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            TagBuilder tag = new TagBuilder();
            tag.setObjectId(ObjectId.fromString(commit), Constants.OBJ_COMMIT);
            tag.setTag(name);
            tag.setTagger(IDENT);
            tag.setMessage("release " + name + "\n");
            if (key != null) {
                tag.setGpgSignature(new GpgSignature(openPgpSignature(key, tag.build())));
            }
            ObjectId id = inserter.insert(tag);
            inserter.flush();
            RefUpdate update = repository.updateRef("refs/tags/" + name);
            update.setNewObjectId(id);
            update.forceUpdate();
            return id.name();
        }
    }

    /** An ed25519 key pair from ssh-keygen: returns the private key file ({@code .pub} next to it). */
    public static Path sshKey(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path key = dir.resolve(name);
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString());
        return key;
    }

    public static String publicKey(Path sshKey) throws IOException {
        return Files.readString(Path.of(sshKey + ".pub")).trim();
    }

    /** An empty commit on the work tree's branch, signed by the git CLI with an SSH key (unsigned when null). */
    public static String commitSsh(Path workTree, String message, Path sshKey) throws Exception {
        List<String> cmd = new ArrayList<>(gitWithKey(sshKey));
        cmd.addAll(List.of("commit", "-q", "--allow-empty", sshKey == null ? "--no-gpg-sign" : "-S", "-m", message));
        run(workTree, cmd.toArray(String[]::new));
        return run(workTree, "git", "rev-parse", "HEAD").trim();
    }

    /** An annotated tag of HEAD, signed by the git CLI with an SSH key; returns the tag object's id. */
    public static String tagSsh(Path workTree, String name, Path sshKey) throws Exception {
        List<String> cmd = new ArrayList<>(gitWithKey(sshKey));
        cmd.addAll(List.of("tag", "-s", "-m", "release " + name, name));
        run(workTree, cmd.toArray(String[]::new));
        return run(workTree, "git", "rev-parse", "refs/tags/" + name).trim();
    }

    private static List<String> gitWithKey(Path sshKey) {
        List<String> cmd =
                new ArrayList<>(List.of("git", "-c", "user.name=Test Signer", "-c", "user.email=signer@example.com"));
        if (sshKey != null) {
            cmd.addAll(List.of("-c", "gpg.format=ssh", "-c", "user.signingkey=" + sshKey));
        }
        return cmd;
    }

    private static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
