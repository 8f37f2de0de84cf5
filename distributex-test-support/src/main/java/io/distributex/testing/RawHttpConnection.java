package io.distributex.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 client connection on a plain blocking socket, written by hand so that a test or a
 * benchmark controls every byte and the connection's life: keep-alive (HTTP/1.1's default),
 * {@code TCP_NODELAY}, each request written with one write, each response parsed by {@link
 * RawHttpParser}. Every connect and every response is bounded by the timeout given to {@link
 * #open}. {@link #send} and {@link #read} may be split, so a caller can write a request and read
 * its answer later (a parked {@code /wait/}). Not thread-safe: one thread at a time.
 */
public final class RawHttpConnection implements AutoCloseable {
  private final InetSocketAddress server;
  private final Duration timeout;
  private final RawHttpParser parser = new RawHttpParser();
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int answered;

  private RawHttpConnection(InetSocketAddress server, Duration timeout) {
    this.server = server;
    this.timeout = timeout;
    buffer.limit(0);
  }

  /** Connects to {@code server}; every connect and every response gives up after {@code timeout}. */
  public static RawHttpConnection open(InetSocketAddress server, Duration timeout) throws IOException {
    RawHttpConnection connection = new RawHttpConnection(server, timeout);
    connection.connect();
    return connection;
  }

  /**
   * The bytes of a request to {@code server}: the request line with {@code target} as given,
   * {@code Host}, {@code User-Agent} (as every real client sends one, so that a request held by a
   * server costs it what a real one does), {@code headerLines} ("Name: value"), and {@code body}
   * with its {@code Content-Length} unless null.
   */
  public static byte[] request(
      String method, String target, InetSocketAddress server, List<String> headerLines, byte[] body) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: ").append(server.getHostString()).append(':').append(server.getPort()).append("\r\n")
        .append("User-Agent: distributex-testing\r\n");
    headerLines.forEach(line -> head.append(line).append("\r\n"));
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    if (body == null) {
      return headBytes;
    }
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** Writes {@code GET target}, connecting again first when the server closed the connection. */
  public void send(String target) throws IOException {
    send("GET", target, List.of(), null);
  }

  /** Writes a {@link #request}, connecting again first when the server closed the connection. */
  public void send(String method, String target, List<String> headerLines, byte[] body) throws IOException {
    write(request(method, target, server, headerLines, body));
    parser.expectBodiless(method.equals("HEAD"));
  }

  /** Writes {@code bytes} as they are: a request the caller builds byte by byte. */
  public void write(byte[] bytes) throws IOException {
    if (socket == null) {
      connect();
    }
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads the next response, which must be complete within the timeout.
   *
   * @throws SocketTimeoutException when it is not
   * @throws EOFException when the server closed the connection first
   */
  public RawHttpResponse read() throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (buffer.hasRemaining()) {
        RawHttpResponse response = parser.feed(buffer);
        if (response != null) {
          answered++;
          if (response.closesConnection()) {
            closeSocket();
          }
          return response;
        }
      }
      if (socket == null) {
        throw new EOFException("not connected");
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("no complete answer within " + timeout);
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
      buffer.clear();
      int n = in.read(buffer.array(), 0, buffer.capacity());
      if (n < 0) {
        buffer.limit(0);
        RawHttpResponse last = parser.endOfStream();
        closeSocket();
        if (last != null) {
          return last;
        }
        throw new EOFException("the server closed the connection");
      }
      buffer.limit(n);
    }
  }

  /**
   * Sends {@code GET target} and reads its answer. When a connection that has served answers
   * before fails before any byte of this one came, the server closed it meanwhile (its idle
   * timeout): the request is sent once more on a new connection.
   */
  public RawHttpResponse call(String target) throws IOException {
    boolean reused = socket != null && answered > 0;
    try {
      send(target);
      return read();
    } catch (SocketTimeoutException timedOut) {
      closeSocket();
      throw timedOut;
    } catch (IOException stale) {
      boolean partial = parser.started();
      closeSocket();
      if (!reused || partial) {
        throw stale;
      }
      send(target);
      return read();
    }
  }

  /** Whether any byte of an answer has arrived; never blocks. */
  public boolean answered() {
    try {
      return buffer.hasRemaining() || (socket != null && in.available() > 0);
    } catch (IOException broken) {
      return true;
    }
  }

  /** Closes the connection with a TCP reset ({@code SO_LINGER} 0), as a client that vanished. */
  public void reset() {
    if (socket != null) {
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    closeSocket();
  }

  @Override
  public void close() {
    closeSocket();
  }

  private void connect() throws IOException {
    int millis = Math.toIntExact(timeout.toMillis());
    Socket fresh = new Socket();
    try {
      fresh.setTcpNoDelay(true);
      fresh.setSoTimeout(millis);
      fresh.connect(server, millis);
      in = fresh.getInputStream();
      out = fresh.getOutputStream();
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    socket = fresh;
    answered = 0;
    parser.reset();
    buffer.clear().limit(0);
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
      in = null;
      out = null;
    }
    parser.reset();
    buffer.clear().limit(0);
  }
}
