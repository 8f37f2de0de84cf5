package io.distributex.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of one memcached that can stop passing memcached's replies
 * back while still passing requests on: a write that memcached carries out but whose answer never
 * arrives, as with a network that drops packets one way. When replies flow again, every connection
 * opened before is cut, so no client reads a reply meant for a request it has given up on.
 */
public final class ReplyDroppingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean dropping;

  public ReplyDroppingProxy(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "reply-dropping-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
  }

  /** From now on memcached's replies are read and thrown away. */
  public void dropReplies() {
    dropping = true;
  }

  /** Cuts every connection made so far, then passes replies again. */
  public void passReplies() {
    sockets.forEach(ReplyDroppingProxy::closeQuietly);
    sockets.clear();
    dropping = false;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    sockets.forEach(ReplyDroppingProxy::closeQuietly);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(upstream, 5_000);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, false);
        pump(server, client, true);
      } catch (IOException closed) {
        // The listener was closed, or memcached refused: the client sees its connection fail.
      }
    }
  }

  private void pump(Socket from, Socket to, boolean replies) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  if (!(replies && dropping)) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException cut) {
                // One side closed: close both below.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "reply-dropping-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }
}
