package io.alfred.gitops.verify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPPublicKeyRingCollection;

/**
 * The trusted OpenPGP public keys: an armored file (several key blocks allowed, as {@code gpg
 * --export --armor} writes them for several keys), read again whenever it changes, so that a key
 * rotated in the mounted Secret takes effect without a restart.
 */
final class OpenPgpKeyring {
    private static final String BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

    /** A public key with the ring it belongs to (its primary key holds the user ids and the expiry). */
    record Found(PGPPublicKey key, PGPPublicKeyRing ring) {}

    private final Path file;
    private FileTime readAt;
    private long readSize = -1;
    private List<PGPPublicKeyRing> rings = List.of();

    OpenPgpKeyring(Path file) {
        this.file = file;
    }

    /** The key with this id, from the file as it is now. */
    synchronized Optional<Found> find(long keyId) throws IOException {
        refresh();
        for (PGPPublicKeyRing ring : rings) {
            PGPPublicKey key = ring.getPublicKey(keyId);
            if (key != null) {
                return Optional.of(new Found(key, ring));
            }
        }
        return Optional.empty();
    }

    private void refresh() throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        if (modified.equals(readAt) && size == readSize) {
            return;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<PGPPublicKeyRing> next = new ArrayList<>();
        int at = text.indexOf(BEGIN);
        if (at < 0) {
            throw new IOException(file + " holds no armored OpenPGP public key (" + BEGIN + ")");
        }
        while (at >= 0) {
            int end = text.indexOf(BEGIN, at + BEGIN.length());
            String block = end < 0 ? text.substring(at) : text.substring(at, end);
            try (InputStream in =
                    PGPUtil.getDecoderStream(new ByteArrayInputStream(block.getBytes(StandardCharsets.US_ASCII)))) {
                Iterator<PGPPublicKeyRing> it = new BcPGPPublicKeyRingCollection(in).getKeyRings();
                it.forEachRemaining(next::add);
            } catch (PGPException | IOException | RuntimeException e) {
                throw new IOException(file + " holds a key block that cannot be read: " + e.getMessage(), e);
            }
            at = end;
        }
        rings = List.copyOf(next);
        readAt = modified;
        readSize = size;
    }
}
