package io.alfred.gitops.source;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * Strict host key checking against one known_hosts file: a host that is not listed, or listed
 * with another key, is refused and never added. The reason of the last refusal is kept so the
 * fetch error can say which of the two happened.
 */
final class KnownHostsDatabase implements ServerKeyDatabase {
    private final Path knownHosts;
    private volatile String lastRejection;

    KnownHostsDatabase(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    String lastRejection() {
        return lastRejection;
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        return keysFor(remoteAddress);
    }

    @Override
    public boolean accept(
            String connectAddress,
            InetSocketAddress remoteAddress,
            PublicKey serverKey,
            Configuration config,
            CredentialsProvider provider) {
        List<PublicKey> known = keysFor(remoteAddress);
        String host = display(remoteAddress);
        for (PublicKey key : known) {
            if (KeyUtils.compareKeys(key, serverKey)) {
                lastRejection = null;
                return true;
            }
        }
        String fingerprint = KeyUtils.getFingerPrint(serverKey);
        lastRejection = known.isEmpty()
                ? "host key of " + host + " (" + fingerprint + ") is not in known_hosts file " + knownHosts
                        + "; add it there (host keys are never accepted automatically)"
                : "host key of " + host + " (" + fingerprint + ") does not match the key in known_hosts file "
                        + knownHosts + ": the server's key changed or someone is intercepting the connection";
        return false;
    }

    private List<PublicKey> keysFor(InetSocketAddress address) {
        List<PublicKey> keys = new ArrayList<>();
        String host = address.getHostString();
        int port = address.getPort();
        for (KnownHostEntry entry : entries()) {
            if (entry.isHostMatch(host, port) && !"@revoked".equals(entry.getMarker())) {
                try {
                    PublicKey key = entry.getKeyEntry()
                            .resolvePublicKey(null, Collections.emptyMap(), PublicKeyEntryResolver.IGNORING);
                    if (key != null) {
                        keys.add(key);
                    }
                } catch (IOException | GeneralSecurityException e) {
                    // an unreadable entry matches nothing
                }
            }
        }
        return keys;
    }

    private List<KnownHostEntry> entries() {
        try {
            return KnownHostEntry.readKnownHostEntries(knownHosts);
        } catch (IOException e) {
            lastRejection = "known_hosts file " + knownHosts + " cannot be read: " + e.getMessage();
            return List.of();
        }
    }

    private static String display(InetSocketAddress a) {
        return a.getPort() == 22 ? a.getHostString() : "[" + a.getHostString() + "]:" + a.getPort();
    }
}
