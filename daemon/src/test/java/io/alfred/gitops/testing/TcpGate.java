package io.alfred.gitops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder that can be shut like a network outage: while shut, it drops open
 * connections and closes new ones at once. Tests put it in front of a server they restart, so that
 * the server can be set up again before the code under test can reach it.
 */
public final class TcpGate implements AutoCloseable {
    private final ServerSocket listener;
    private final int backendPort;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;

    public TcpGate(int backendPort) {
        this.backendPort = backendPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on loopback: " + e.getMessage(), e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "tcp-gate-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Drops every connection and refuses new ones until {@link #open()}. */
    public void shut() {
        open = false;
        live.forEach(TcpGate::closeQuietly);
        live.clear();
    }

    public void open() {
        open = true;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!open) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
                live.add(client);
                live.add(backend);
                pump(client, backend);
                pump(backend, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException ignored) {
                        // one side closed: close both below
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        live.remove(from);
                        live.remove(to);
                    }
                },
                "tcp-gate-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        shut();
        closeQuietly(listener);
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
