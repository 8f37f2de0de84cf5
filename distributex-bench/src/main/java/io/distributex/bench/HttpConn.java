package io.distributex.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A blocking HTTP/1.1 keep-alive connection on a plain socket (TCP_NODELAY, a timeout on every
 * read): each request is written with one write, each response parsed by {@link ResponseParser}.
 * {@link #send} and {@link #read} may be split, so a caller can write a request and read its
 * answer later (a parked {@code /wait/}). {@link #call} reconnects once when a reused connection
 * turns out to have been closed by the server (idle timeout) before any byte of the answer came.
 */
final class HttpConn implements Closeable {
  private final InetSocketAddress server;
  private final int timeoutMillis;
  private final ResponseParser parser = new ResponseParser();
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int answered;

  private HttpConn(InetSocketAddress server, Duration timeout) {
    this.server = server;
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
    buffer.limit(0);
  }

  /** Connects to {@code server}; every connect and read gives up after {@code timeout}. */
  static HttpConn open(InetSocketAddress server, Duration timeout) throws IOException {
    HttpConn conn = new HttpConn(server, timeout);
    conn.connect();
    return conn;
  }

  /** Writes {@code GET target}, connecting first when the server closed the last connection. */
  void send(String target) throws IOException {
    if (socket == null) {
      connect();
    }
    out.write(Requests.get(target, server));
    out.flush();
  }

  /**
   * Reads the next response.
   *
   * @throws SocketTimeoutException when none completes within the timeout
   * @throws EOFException when the server closed the connection first
   */
  HttpResponse read() throws IOException {
    if (socket == null) {
      throw new IOException("not connected");
    }
    while (true) {
      if (buffer.hasRemaining()) {
        HttpResponse response = parser.feed(buffer);
        if (response != null) {
          answered++;
          if (response.closesConnection()) {
            closeSocket();
          }
          return response;
        }
      }
      buffer.clear();
      int n = in.read(buffer.array(), 0, buffer.capacity());
      if (n < 0) {
        buffer.limit(0);
        HttpResponse last = parser.endOfStream();
        closeSocket();
        if (last != null) {
          return last;
        }
        throw new EOFException("server closed the connection");
      }
      buffer.limit(n);
    }
  }

  /** Sends {@code GET target} and reads its answer. */
  HttpResponse call(String target) throws IOException {
    boolean reused = socket != null && answered > 0;
    try {
      send(target);
      return read();
    } catch (SocketTimeoutException timeout) {
      closeSocket();
      throw timeout;
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

  @Override
  public void close() {
    closeSocket();
  }

  private void connect() throws IOException {
    Socket fresh = new Socket();
    try {
      fresh.setTcpNoDelay(true);
      fresh.setSoTimeout(timeoutMillis);
      fresh.connect(server, timeoutMillis);
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
