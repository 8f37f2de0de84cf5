package io.distributex.client;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Calls over plain sockets ({@link SSLSocket} for {@code https://}), HTTP/1.1, each open call on a
 * thread of its own, connections kept alive for the next call (a lock's renewals). It loads a
 * few dozen classes where the JDK's {@code HttpClient} loads hundreds and starts a selector thread
 * and an executor: about 100 ms less for a process that makes a handful of calls and exits, such as
 * the {@code distributex} command. TLS is set up only when an {@code https://} server is called.
 *
 * <p>The requests are those of {@link JdkHttpSender}: {@code GET}, {@code Accept: text/plain}, the
 * bearer token; the answer must come within the call's timeout of sending, read as {@link
 * Http1Answer} does. A connection is reused only after a complete answer that let it stay open;
 * when a reused one fails, the other idle connections to that server are closed too (the server
 * has most likely closed them all), so the {@link Transport}'s one more try connects anew.
 */
final class SocketHttpSender implements HttpSender {
  /** Idle connections kept per server; more are closed after their answer. */
  private static final int MAX_IDLE = 4;

  private final String authorization;
  private final SSLContext tls;
  private final int connectTimeoutMillis;
  /** Idle connections by server base URI. Guarded by itself. */
  private final Map<URI, ArrayDeque<Connection>> idle = new HashMap<>();

  /**
   * @param secret sent as a bearer token; null for none
   * @param tls the TLS context for {@code https://} servers; null for the JVM's default
   */
  SocketHttpSender(String secret, SSLContext tls, Duration connectTimeout) {
    this.authorization = HttpSender.authorization(secret);
    this.tls = tls;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
  }

  @Override
  public CompletableFuture<Reply> send(URI server, URI target, Duration timeout) {
    CompletableFuture<Reply> answer = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                answer.complete(call(server, target, timeout));
              } catch (IOException | RuntimeException failed) {
                answer.completeExceptionally(failed);
              }
            },
            "distributex-client-call");
    caller.setDaemon(true);
    caller.start();
    return answer;
  }

  private Reply call(URI server, URI target, Duration timeout) throws IOException {
    Connection connection = reuse(server);
    boolean reused = connection != null;
    if (!reused) {
      connection = connect(server);
    }
    Http1Answer answer;
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      connection.out.write(request(server, target));
      connection.out.flush();
      connection.bounded.deadline = deadline;
      try {
        answer = Http1Answer.read(connection.in);
      } catch (SocketTimeoutException silent) {
        throw new HttpTimeoutException("no answer within the timeout");
      }
    } catch (IOException | RuntimeException failed) {
      connection.close();
      if (reused) {
        closeIdle(server);
      }
      throw failed;
    }
    if (!answer.keepAlive() || !keep(server, connection)) {
      connection.close();
    }
    return Reply.of(server, answer.status(), answer.body(), answer.token(), answer.expires());
  }

  private byte[] request(URI server, URI target) {
    StringBuilder request = new StringBuilder(256).append("GET ").append(target.getRawPath());
    if (target.getRawQuery() != null) {
      request.append('?').append(target.getRawQuery());
    }
    request.append(" HTTP/1.1\r\nHost: ").append(server.getHost());
    if (server.getPort() >= 0) {
      request.append(':').append(server.getPort());
    }
    request.append("\r\nAccept: text/plain\r\n");
    if (authorization != null) {
      request.append("Authorization: ").append(authorization).append("\r\n");
    }
    return request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private Connection connect(URI server) throws IOException {
    boolean https = "https".equals(server.getScheme());
    String host = server.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // an IPv6 literal
    }
    int port = server.getPort() >= 0 ? server.getPort() : https ? 443 : 80;
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new UnknownHostException(host);
    }
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      try {
        socket.connect(address, connectTimeoutMillis);
      } catch (SocketTimeoutException slow) {
        throw new HttpConnectTimeoutException("connect timed out");
      } catch (ConnectException refused) {
        throw new ConnectException(refused.getMessage() == null ? null : lowerFirst(refused.getMessage()));
      }
      if (https) {
        SSLSocket secure = (SSLSocket) tls().getSocketFactory().createSocket(socket, host, port, true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secure.setSSLParameters(parameters);
        secure.setSoTimeout(connectTimeoutMillis);
        socket = secure;
        try {
          secure.startHandshake();
        } catch (SocketTimeoutException slow) {
          throw new HttpConnectTimeoutException("connect timed out (TLS handshake)");
        }
      }
      return new Connection(socket);
    } catch (IOException | RuntimeException failed) {
      socket.close();
      throw failed;
    }
  }

  private SSLContext tls() throws IOException {
    if (tls != null) {
      return tls;
    }
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException missing) {
      throw new IOException("no default TLS context in this JVM", missing);
    }
  }

  private Connection reuse(URI server) {
    synchronized (idle) {
      ArrayDeque<Connection> connections = idle.get(server);
      return connections == null ? null : connections.pollLast();
    }
  }

  /** Keeps {@code connection} for the next call to {@code server}; false when enough are kept. */
  private boolean keep(URI server, Connection connection) {
    synchronized (idle) {
      ArrayDeque<Connection> connections = idle.computeIfAbsent(server, any -> new ArrayDeque<>());
      if (connections.size() >= MAX_IDLE) {
        return false;
      }
      connections.addLast(connection);
      return true;
    }
  }

  private void closeIdle(URI server) {
    ArrayDeque<Connection> connections;
    synchronized (idle) {
      connections = idle.remove(server);
    }
    if (connections != null) {
      connections.forEach(Connection::close);
    }
  }

  /** "Connection refused" as the JDK's {@code HttpClient} says it: "connection refused". */
  private static String lowerFirst(String message) {
    return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }

  /** A connection to a server: its socket, the stream to write to, and one to read answers from. */
  private static final class Connection {
    final Socket socket;
    final OutputStream out;
    final DeadlineInput bounded;
    final InputStream in;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.bounded = new DeadlineInput(socket);
      this.in = new BufferedInputStream(bounded, 4096);
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing what is done with: nothing to do about a failure
      }
    }
  }

  /**
   * The socket's input, each read bounded by what is left until {@link #deadline} ({@link
   * System#nanoTime()}): a read past it throws {@link SocketTimeoutException}.
   */
  private static final class DeadlineInput extends FilterInputStream {
    private final Socket socket;
    long deadline;

    DeadlineInput(Socket socket) throws IOException {
      super(socket.getInputStream());
      this.socket = socket;
    }

    @Override
    public int read() throws IOException {
      bound();
      return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      bound();
      return super.read(buffer, offset, length);
    }

    private void bound() throws IOException {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("no answer in time");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }
  }
}
