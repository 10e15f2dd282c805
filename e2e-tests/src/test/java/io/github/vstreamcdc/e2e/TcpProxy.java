package io.github.vstreamcdc.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of one server, for tests that cut connections: {@link #outage}
 * drops every connection and refuses new ones for a while, as a server restart looks from the
 * client's side. Plain sockets, two threads per connection; it closes itself after {@code
 * maxLifetime} in any case.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();
    private final Thread reaper;
    private volatile ServerSocket server;
    private volatile boolean closed;

    /** When set: after this many more bytes to clients, an outage of {@link #armedOutage}. */
    private final AtomicLong armedBytes = new AtomicLong(-1);

    private volatile Duration armedOutage;

    public TcpProxy(String targetHost, int targetPort, Duration maxLifetime) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        ServerSocket first = new ServerSocket();
        first.setReuseAddress(true);
        first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.port = first.getLocalPort();
        listen(first);
        reaper =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(maxLifetime.toMillis());
                            } catch (InterruptedException e) {
                                return;
                            }
                            close();
                        },
                        "tcp-proxy-lifetime");
        reaper.setDaemon(true);
        reaper.start();
    }

    public int port() {
        return port;
    }

    long connectionsAccepted() {
        return accepted.get();
    }

    public long bytesToClients() {
        return bytesToClient.get();
    }

    long outagesDone() {
        return outages.get();
    }

    /** Drops all connections and refuses new ones for the duration, then accepts again. */
    void outage(Duration duration) throws IOException, InterruptedException {
        drop();
        reopenAfter(duration);
    }

    /** Closes the listening socket and every connection. */
    private void drop() {
        ServerSocket current = server;
        server = null;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    private void reopenAfter(Duration duration) throws IOException, InterruptedException {
        Thread.sleep(duration.toMillis());
        if (closed) {
            return;
        }
        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                break;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    again.close();
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        listen(again);
        outages.incrementAndGet();
    }

    /**
     * Starts an {@link #outage} once this many more bytes went to clients: the connections drop
     * right there, before another byte is passed on (e.g. in the middle of a large transaction).
     */
    synchronized void outageAfterBytes(long bytes, Duration duration) {
        armedOutage = duration;
        armedBytes.set(bytes);
    }

    private void listen(ServerSocket serverSocket) {
        server = serverSocket;
        Thread acceptor = new Thread(() -> accept(serverSocket), "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket serverSocket) {
        while (!closed && !serverSocket.isClosed()) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                return; // closed for an outage or for good
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            accepted.incrementAndGet();
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream, false);
            pump(upstream, client, true);
        }
    }

    private void pump(Socket from, Socket to, boolean toClient) {
        Thread thread =
                new Thread(
                        () -> {
                            byte[] buffer = new byte[16 * 1024];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                int n;
                                while ((n = in.read(buffer)) >= 0) {
                                    out.write(buffer, 0, n);
                                    if (toClient) {
                                        bytesToClient.addAndGet(n);
                                        countDownArmed(n);
                                    }
                                }
                            } catch (SocketException e) {
                                // closed by an outage or by the other side
                            } catch (IOException e) {
                                // same
                            } finally {
                                closeQuietly(from);
                                closeQuietly(to);
                                sockets.remove(from);
                                sockets.remove(to);
                            }
                        },
                        "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void countDownArmed(int n) {
        long left = armedBytes.get();
        if (left < 0) {
            return;
        }
        left -= n;
        if (left > 0) {
            armedBytes.set(left);
        } else {
            armedBytes.set(-1);
            Duration duration = armedOutage;
            drop();
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    reopenAfter(duration);
                                } catch (IOException | InterruptedException e) {
                                    throw new IllegalStateException("Outage failed", e);
                                }
                            },
                            "tcp-proxy-outage");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public void close() {
        closed = true;
        ServerSocket current = server;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        reaper.interrupt();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
