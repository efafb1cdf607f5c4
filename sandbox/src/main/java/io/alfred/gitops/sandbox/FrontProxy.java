package io.alfred.gitops.sandbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The sandbox's front door on loopback. It reads each HTTP/1.1 request a client sends and either
 * serves it itself (an HTTP watch, which fabric8's mock server cannot stream, see
 * {@link HttpWatches}) or forwards it to the mock server, and relays the answers back. WebSocket
 * upgrades are relayed as raw bytes. When {@link Faults#dropConnections} says so, it closes a client
 * connection as a request arrives on it, which is what a crashing or restarting API server looks
 * like to a client.
 */
final class FrontProxy implements AutoCloseable {
    private static final int MAX_HEAD = 1024 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final Faults faults;
    private final HttpWatches watches;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    FrontProxy(int port, int targetPort, Faults faults, HttpWatches watches) throws IOException {
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.targetPort = targetPort;
        this.faults = faults;
        this.watches = watches;
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                threads.execute(() -> requests(client, upstream));
                threads.execute(() -> relay(upstream, client));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Client to server: one request at a time (Go and Java clients do not pipeline). */
    private void requests(Socket client, Socket upstream) {
        Future<?> watch = null;
        try (InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream up = upstream.getOutputStream()) {
            while (true) {
                byte[] head = readHead(in);
                if (head == null || faults.dropNow()) {
                    return;
                }
                if (watch != null) {
                    watch.cancel(true);
                    watch = null;
                }
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
                ApiPath path = ApiPath.parse(requestLine.length > 1 ? requestLine[1] : "/");
                String upgradeTo = header(text, "upgrade");
                boolean upgrade =
                        upgradeTo != null && upgradeTo.toLowerCase(Locale.ROOT).contains("websocket");
                Optional<ResourceType> watched = upgrade ? Optional.empty() : watches.watched(requestLine[0], path);
                if (watched.isPresent()) {
                    String accept = header(text, "accept");
                    OutputStream toClient = client.getOutputStream();
                    watch = threads.submit(() -> {
                        try {
                            watches.serve(watched.get(), path, accept, toClient);
                        } catch (IOException e) {
                            closeQuietly(client);
                        }
                    });
                    continue;
                }
                if (upgradeTo != null && !upgrade) {
                    head = withoutH2cUpgrade(text); // HTTP/2 upgrades are refused, as kube-apiserver refuses h2c
                }
                up.write(head);
                if (upgrade) {
                    in.transferTo(up);
                    return;
                }
                copyBody(text, in, up);
                up.flush();
            }
        } catch (IOException e) {
            // the other side closed
        } finally {
            if (watch != null) {
                watch.cancel(true);
            }
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private void relay(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** The request line and headers up to the blank line, or null at the end of the stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head over " + MAX_HEAD + " bytes");
            }
        }
        return null;
    }

    /** The request head without {@code Upgrade: h2c}, {@code HTTP2-Settings} and the Connection tokens naming them. */
    private static byte[] withoutH2cUpgrade(String head) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n", -1)) {
            String name = line.contains(":")
                    ? line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT)
                    : "";
            if (name.equals("upgrade") || name.equals("http2-settings") || name.equals("connection")) {
                continue;
            }
            out.append(line).append("\r\n");
        }
        return out.substring(0, out.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void copyBody(String head, InputStream in, OutputStream up) throws IOException {
        String length = header(head, "content-length");
        if (length != null) {
            copyExactly(in, up, Long.parseLong(length.trim()));
            return;
        }
        String encoding = header(head, "transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String sizeLine = readLine(in);
                up.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        up.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } while (!trailer.isEmpty());
                    return;
                }
                copyExactly(in, up, size + 2L);
            }
        }
    }

    private static void copyExactly(InputStream in, OutputStream up, long n) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = n;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("request body cut short");
            }
            up.write(buffer, 0, read);
            left -= read;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        if (b < 0) {
            throw new IOException("request body cut short");
        }
        return line.toString();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(this::closeQuietly);
        threads.shutdownNow();
    }
}
