package io.distributex.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Hostile connections held open against a server by one thread of its own: {@code idle} ones that
 * never send a byte, {@code half} ones that send the start of a request (plain HTTP: the request
 * line and a header; TLS: the 5-byte header of a handshake record) and stop, and {@code trickle}
 * ones that send a request one byte per {@link #TRICKLE_PERIOD} each, never finishing it (plain
 * HTTP: an endless header; TLS: a real ClientHello, byte by byte). A connection the server closes
 * (its deadlines cut them) is opened again at once, so the counts hold for as long as the flood
 * runs. Non-blocking channels on one {@link Selector}; at most {@link #CONNECTING} connects under
 * way at once, so the server's accept backlog never overflows.
 */
final class Flood implements AutoCloseable {
  /** What a connection sends. */
  enum Kind {
    IDLE,
    HALF,
    TRICKLE
  }

  static final Duration TRICKLE_PERIOD = Duration.ofMillis(250);
  private static final int CONNECTING = 200;
  private static final byte[] TLS_HALF = {0x16, 0x03, 0x01, 0x00, (byte) 0xff};

  private final InetSocketAddress server;
  private final Map<Kind, Integer> wanted;
  private final byte[] halfBytes;
  private final byte[] trickleBytes;
  private final boolean endlessTrickle;
  private final Selector selector;
  private final List<Conn> trickling = new ArrayList<>();
  private final Map<Kind, Integer> open = new EnumMap<>(Kind.class);
  private final AtomicInteger established = new AtomicInteger();
  private final AtomicInteger cut = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final Thread pump;
  private volatile boolean stopping;
  private int connecting;

  private static final class Conn {
    final Kind kind;
    final SocketChannel channel;
    boolean connected;
    int sent;

    Conn(Kind kind, SocketChannel channel) {
      this.kind = kind;
      this.channel = channel;
    }
  }

  private Flood(InetSocketAddress server, Map<Kind, Integer> wanted, boolean tls) throws IOException {
    this.server = server;
    this.wanted = wanted;
    if (tls) {
      halfBytes = TLS_HALF;
      trickleBytes = clientHello(server);
      endlessTrickle = false;
    } else {
      halfBytes = ("GET /get/?pool=other&host=half HTTP/1.1\r\nHost: 127.0.0.1\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      trickleBytes = "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ".getBytes(StandardCharsets.US_ASCII);
      endlessTrickle = true;
    }
    for (Kind kind : Kind.values()) {
      open.put(kind, 0);
    }
    selector = Selector.open();
    pump = new Thread(this::run, "bench-flood");
    pump.setDaemon(true);
  }

  /** Starts holding {@code idle}, {@code half} and {@code trickle} connections to {@code server}. */
  static Flood start(InetSocketAddress server, int idle, int half, int trickle, boolean tls) throws IOException {
    Map<Kind, Integer> wanted = new EnumMap<>(Kind.class);
    wanted.put(Kind.IDLE, idle);
    wanted.put(Kind.HALF, half);
    wanted.put(Kind.TRICKLE, trickle);
    Flood flood = new Flood(server, wanted, tls);
    flood.pump.start();
    return flood;
  }

  /** Waits until every wanted connection is connected; false after {@code limit}. */
  boolean awaitEstablished(Duration limit) throws InterruptedException {
    int total = wanted.values().stream().mapToInt(Integer::intValue).sum();
    long deadline = System.nanoTime() + limit.toNanos();
    while (established.get() < total) {
      if (System.nanoTime() > deadline || !pump.isAlive()) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Connections connected now. */
  int established() {
    return established.get();
  }

  /** Connections the server closed so far (each opened again). */
  int cut() {
    return cut.get();
  }

  /** Connects that failed so far (each tried again). */
  int refused() {
    return refused.get();
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    selector.wakeup();
    pump.join(10_000);
  }

  private void run() {
    long nextTick = System.nanoTime();
    try {
      while (!stopping) {
        openMissing();
        selector.select(10);
        for (SelectionKey key : selector.selectedKeys()) {
          Conn conn = (Conn) key.attachment();
          if (key.isValid() && key.isConnectable()) {
            connected(key, conn);
          } else if (key.isValid() && key.isReadable()) {
            read(conn);
          }
        }
        selector.selectedKeys().clear();
        if (System.nanoTime() - nextTick >= 0) {
          nextTick += TRICKLE_PERIOD.toNanos();
          trickling.removeIf(conn -> !conn.channel.isOpen());
          for (Conn conn : trickling) {
            trickle(conn);
          }
        }
      }
    } catch (IOException | RuntimeException failed) {
      System.err.println("flood: " + failed);
    } finally {
      for (SelectionKey key : selector.keys()) {
        closeQuietly(key.channel());
      }
      closeQuietly(selector);
    }
  }

  private void openMissing() throws IOException {
    for (Kind kind : Kind.values()) {
      while (open.get(kind) < wanted.get(kind) && connecting < CONNECTING && !stopping) {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.SO_LINGER, 0); // closed with a reset: no TIME_WAIT
        Conn conn = new Conn(kind, channel);
        open.merge(kind, 1, Integer::sum);
        connecting++;
        if (channel.connect(server)) {
          connected(channel.register(selector, 0, conn), conn);
        } else {
          channel.register(selector, SelectionKey.OP_CONNECT, conn);
        }
      }
    }
  }

  private void connected(SelectionKey key, Conn conn) {
    connecting--;
    try {
      conn.channel.finishConnect();
    } catch (IOException failed) {
      refused.incrementAndGet();
      drop(conn, false);
      return;
    }
    conn.connected = true;
    established.incrementAndGet();
    key.interestOps(SelectionKey.OP_READ);
    if (conn.kind == Kind.HALF) {
      write(conn, ByteBuffer.wrap(halfBytes));
    } else if (conn.kind == Kind.TRICKLE) {
      trickling.add(conn);
    }
  }

  /** Drops what the server sends (a TLS server's hello); its end means it closed the connection. */
  private void read(Conn conn) {
    ByteBuffer sink = ByteBuffer.allocate(4096);
    try {
      while (true) {
        int n = conn.channel.read(sink);
        if (n < 0) {
          drop(conn, true);
          return;
        }
        if (n == 0) {
          return;
        }
        sink.clear();
      }
    } catch (IOException reset) {
      drop(conn, true);
    }
  }

  private void trickle(Conn conn) {
    int at = conn.sent;
    if (at >= trickleBytes.length && !endlessTrickle) {
      return; // the whole hello is out: the handshake waits for the server, never finished
    }
    byte next = at < trickleBytes.length ? trickleBytes[at] : (byte) 'a';
    if (write(conn, ByteBuffer.wrap(new byte[] {next}))) {
      conn.sent++;
    }
  }

  private boolean write(Conn conn, ByteBuffer bytes) {
    try {
      conn.channel.write(bytes);
      return !bytes.hasRemaining();
    } catch (IOException reset) {
      drop(conn, true);
      return false;
    }
  }

  private void drop(Conn conn, boolean byServer) {
    if (!conn.channel.isOpen()) {
      return;
    }
    if (byServer) {
      cut.incrementAndGet();
    }
    if (conn.connected) {
      established.decrementAndGet();
    }
    open.merge(conn.kind, -1, Integer::sum);
    closeQuietly(conn.channel);
  }

  /** The first flight of a TLS client to {@code server}: its ClientHello record. */
  private static byte[] clientHello(InetSocketAddress server) throws IOException {
    try {
      SSLEngine engine = SSLContext.getDefault().createSSLEngine(server.getHostString(), server.getPort());
      engine.setUseClientMode(true);
      engine.beginHandshake();
      ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      engine.wrap(ByteBuffer.allocate(0), out);
      out.flip();
      byte[] hello = new byte[out.remaining()];
      out.get(hello);
      return hello;
    } catch (NoSuchAlgorithmException | SSLException impossible) {
      throw new IOException("cannot make a ClientHello", impossible);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing a socket we give up anyway
    }
  }
}
