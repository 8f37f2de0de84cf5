package io.distributex.bench;

import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpParser;
import io.distributex.testing.RawHttpResponse;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Holds many HTTP requests open from one thread: non-blocking {@link SocketChannel}s on one
 * {@link Selector}, no thread per connection. Each {@link Conn} writes its request once
 * connected and parses what comes back with its own {@link RawHttpParser}; complete responses
 * and closed connections go to the {@link Listener}. Nothing runs except inside {@link #pump},
 * which always stops at its deadline. {@link #close} closes every channel.
 */
final class WaiterDriver implements Closeable {
  /** What to do with what arrives; called on the pumping thread. */
  interface Listener {
    void onResponse(Conn conn, RawHttpResponse response) throws IOException;

    /** The server closed the connection, or it failed ({@code cause} non-null). */
    void onClosed(Conn conn, IOException cause) throws IOException;
  }

  /** One connection and its state. */
  static final class Conn {
    final int index;
    private SocketChannel channel;
    private SelectionKey key;
    private final RawHttpParser parser = new RawHttpParser();
    private ByteBuffer pending;
    private boolean closed;

    private Conn(int index) {
      this.index = index;
    }

    boolean closed() {
      return closed;
    }
  }

  private final InetSocketAddress server;
  private final Selector selector;
  private final Conn[] conns;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final Listener listener;
  private int unsent;
  private int open;

  WaiterDriver(InetSocketAddress server, int size, Listener listener) throws IOException {
    this.server = server;
    this.selector = Selector.open();
    this.conns = new Conn[size];
    this.listener = listener;
  }

  /** Connection {@code index}, or null when never opened. */
  Conn conn(int index) {
    return conns[index];
  }

  /** Requests not yet completely written. */
  int unsent() {
    return unsent;
  }

  /** Connections open now. */
  int open() {
    return open;
  }

  /** Opens connection {@code index}; {@code GET target} is written as soon as it is connected. */
  void open(int index, String target) throws IOException {
    Conn conn = new Conn(index);
    conns[index] = conn;
    SocketChannel channel = SocketChannel.open();
    conn.channel = channel;
    open++;
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      conn.pending = ByteBuffer.wrap(RawHttpConnection.request("GET", target, server, List.of(), null));
      unsent++;
      if (channel.connect(server)) {
        conn.key = channel.register(selector, 0, conn);
        write(conn);
      } else {
        conn.key = channel.register(selector, SelectionKey.OP_CONNECT, conn);
      }
    } catch (IOException | RuntimeException e) {
      close(conn);
      throw e;
    }
  }

  /** Writes {@code GET target} on an open connection (the rest when the socket can take it). */
  void send(Conn conn, String target) throws IOException {
    if (conn.closed) {
      throw new IOException("connection " + conn.index + " is closed");
    }
    if (conn.pending != null) {
      throw new IllegalStateException("connection " + conn.index + " is still writing");
    }
    conn.pending = ByteBuffer.wrap(RawHttpConnection.request("GET", target, server, List.of(), null));
    unsent++;
    write(conn);
  }

  /** Closes one connection; idempotent. */
  void close(Conn conn) {
    if (conn.closed) {
      return;
    }
    conn.closed = true;
    open--;
    if (conn.pending != null) {
      conn.pending = null;
      unsent--;
    }
    if (conn.key != null) {
      conn.key.cancel();
    }
    try {
      conn.channel.close();
    } catch (IOException ignored) {
      // closed anyway
    }
  }

  /**
   * Runs the selector until {@code done} answers true (checked after every round) or the deadline
   * ({@link System#nanoTime()}) passes.
   *
   * @return whether {@code done} answered true
   */
  boolean pump(BooleanSupplier done, long deadline) throws IOException {
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      selector.select(Math.max(1, Math.min(50, left / 1_000_000)));
      Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        Conn conn = (Conn) key.attachment();
        try {
          handle(key, conn);
        } catch (IOException failed) {
          if (!conn.closed) {
            close(conn);
            listener.onClosed(conn, failed);
          }
        }
      }
    }
    return true;
  }

  /** Pumps for {@code millis}, whatever happens. */
  void pumpFor(long millis) throws IOException {
    pump(() -> false, System.nanoTime() + millis * 1_000_000);
  }

  @Override
  public void close() throws IOException {
    for (Conn conn : conns) {
      if (conn != null) {
        close(conn);
      }
    }
    selector.close();
  }

  private void handle(SelectionKey key, Conn conn) throws IOException {
    if (!key.isValid() || conn.closed) {
      return;
    }
    if (key.isConnectable()) {
      if (!conn.channel.finishConnect()) {
        return;
      }
      write(conn);
    }
    if (key.isValid() && key.isWritable() && conn.pending != null) {
      write(conn);
    }
    if (key.isValid() && key.isReadable() && !conn.closed) {
      read(conn);
    }
  }

  private void write(Conn conn) throws IOException {
    conn.channel.write(conn.pending);
    if (conn.pending.hasRemaining()) {
      conn.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    } else {
      conn.pending = null;
      unsent--;
      conn.key.interestOps(SelectionKey.OP_READ);
    }
  }

  private void read(Conn conn) throws IOException {
    readBuffer.clear();
    int n = conn.channel.read(readBuffer);
    if (n < 0) {
      RawHttpResponse last = conn.parser.endOfStream();
      if (last != null) {
        listener.onResponse(conn, last);
      }
      if (!conn.closed) {
        close(conn);
        listener.onClosed(conn, null);
      }
      return;
    }
    readBuffer.flip();
    while (readBuffer.hasRemaining() && !conn.closed) {
      RawHttpResponse response = conn.parser.feed(readBuffer);
      if (response == null) {
        break;
      }
      listener.onResponse(conn, response);
    }
  }
}
