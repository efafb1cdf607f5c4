package io.alfred.gitops.verify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier;

/**
 * JGit's verifier for OpenPGP signatures, with the trusted keys taken from the keyring file of
 * {@link TrustedKeys} instead of a GnuPG home directory (what {@code org.eclipse.jgit.gpg.bc}'s
 * verifier reads, fixed once per JVM). The signature is checked with Bouncy Castle, the library
 * JGit's own verifier uses, at the time it claims to have been made.
 */
final class OpenPgpVerifier implements SignatureVerifier {
    static final String NAME = "openpgp";

    @Override
    public SignatureVerification verify(Repository repository, GpgConfig config, byte[] data, byte[] signatureData)
            throws IOException {
        if (!(config instanceof TrustedKeys trusted) || trusted.openPgp().isEmpty()) {
            return refused(null, null, "no OpenPGP key is trusted (gitops.source.verify.gpg-keys-file is not set)");
        }
        PGPSignature signature = parse(signatureData);
        if (signature == null) {
            return refused(null, null, "the signature is not an OpenPGP signature");
        }
        String keyId = String.format(Locale.ROOT, "%016X", signature.getKeyID());
        Optional<OpenPgpKeyring.Found> found = trusted.openPgp().get().find(signature.getKeyID());
        if (found.isEmpty()) {
            return refused(
                    signature.getCreationTime(), keyId, "signed by key " + keyId + ", which is not a trusted key");
        }
        PGPPublicKey key = found.get().key();
        PGPPublicKey primary = found.get().ring().getPublicKey();
        String fingerprint = HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
        String user = firstUserId(primary);
        Date made = signature.getCreationTime();
        if (key.hasRevocation() || primary.hasRevocation()) {
            return new SignatureVerification(
                    NAME,
                    made,
                    user,
                    fingerprint,
                    user,
                    false,
                    false,
                    TrustLevel.NEVER,
                    "key " + fingerprint + " is revoked");
        }
        boolean good;
        try {
            signature.init(new BcPGPContentVerifierBuilderProvider(), key);
            signature.update(data);
            good = signature.verify();
        } catch (PGPException e) {
            return new SignatureVerification(
                    NAME,
                    made,
                    user,
                    fingerprint,
                    user,
                    false,
                    false,
                    TrustLevel.UNKNOWN,
                    "the signature cannot be checked: " + e.getMessage());
        }
        if (!good) {
            return new SignatureVerification(
                    NAME,
                    made,
                    user,
                    fingerprint,
                    user,
                    false,
                    false,
                    TrustLevel.UNKNOWN,
                    "the signature does not match the signed content (changed after signing)");
        }
        boolean expired = expiredAt(key, made) || expiredAt(primary, made);
        return new SignatureVerification(
                NAME,
                made,
                user,
                fingerprint,
                user,
                true,
                expired,
                TrustLevel.FULL,
                expired ? "key " + fingerprint + " had expired when the signature was made" : "");
    }

    private static boolean expiredAt(PGPPublicKey key, Date when) {
        long valid = key.getValidSeconds();
        return valid > 0 && when != null && key.getCreationTime().getTime() + valid * 1000 < when.getTime();
    }

    private static String firstUserId(PGPPublicKey primary) {
        Iterator<String> ids = primary.getUserIDs();
        return ids.hasNext() ? ids.next() : "";
    }

    private static SignatureVerification refused(Date made, String keyId, String message) {
        return new SignatureVerification(NAME, made, keyId, null, null, false, false, TrustLevel.UNKNOWN, message);
    }

    private static PGPSignature parse(byte[] signatureData) throws IOException {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signatureData))) {
            Object next = new BcPGPObjectFactory(in).nextObject();
            if (next instanceof PGPCompressedData compressed) {
                next = new BcPGPObjectFactory(compressed.getDataStream()).nextObject();
            }
            return next instanceof PGPSignatureList list && !list.isEmpty() ? list.get(0) : null;
        } catch (PGPException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public void clear() {
        // nothing cached: the keyring re-reads its file when it changes
    }
}
