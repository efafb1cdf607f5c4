package io.alfred.gitops.reconcile;

import io.alfred.gitops.render.Manifest;
import io.alfred.gitops.support.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 of a render's objects, in order: the inventory keeps the digest of the render applied in
 * full, and a cycle on the same digest may trust the live objects it lists. The last digest is
 * remembered for the list it was computed from (renders are cached per revision).
 */
final class RenderDigest {
    private record Memo(List<Manifest> manifests, String digest) {}

    private volatile Memo last;

    String of(List<Manifest> manifests) {
        Memo memo = last;
        if (memo != null && memo.manifests() == manifests) {
            return memo.digest();
        }
        String digest = digest(manifests);
        last = new Memo(manifests, digest);
        return digest;
    }

    static String digest(List<Manifest> manifests) {
        MessageDigest sha = Sha256.digest();
        for (Manifest m : manifests) {
            sha.update(m.body().toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
