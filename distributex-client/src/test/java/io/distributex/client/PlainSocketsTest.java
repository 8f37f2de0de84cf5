package io.distributex.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client over plain sockets ({@link DistributexClient.Builder#plainSockets()}, as the {@code
 * distributex} command runs it): the tests of errors, of stranger answers, of locking and of TLS
 * again, then what only this way of sending does (connections kept alive, one closed by the server
 * replaced, chunked and unbounded answers, a silent server).
 */
@Timeout(60)
class PlainSocketsTest {
  @Nested
  class Errors extends ErrorsTest {
    @Override
    DistributexClient.Builder builder() {
      return super.builder().plainSockets();
    }
  }

  @Nested
  class Stubbed extends StubServerTest {
    @Override
    DistributexClient.Builder builder() {
      return super.builder().plainSockets();
    }
  }

  @Nested
  class Locking extends LockingTest {
    @Override
    DistributexClient.Builder builder() {
      return super.builder().plainSockets();
    }
  }

  @Nested
  class Tls extends TlsTest {
    @Override
    DistributexClient.Builder builder() {
      return super.builder().plainSockets();
    }
  }

  /**
   * Fault injected: the server closes every connection after two answers without saying so
   * (no {@code Connection: close}), as a server does with an idle kept-alive connection. The next
   * call on it must go again on a new connection, not fail.
   */
  @Test
  void aConnectionServesCallAfterCallAndOneTheServerClosedIsReplaced() throws Exception {
    try (RawServer server =
            new RawServer(
                request ->
                    request.startsWith("GET /get/")
                        ? "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Distributex-Token: 7\r\n\r\nYES"
                        : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK",
                2);
        DistributexClient client = DistributexClient.builder().server(server.uri()).plainSockets().build()) {
      for (int i = 0; i < 3; i++) {
        try (DistributedLock lock = client.tryLock("p").orElseThrow()) {
          assertEquals(7, lock.token());
        }
      }
      assertEquals(3, server.connections.get(), "a get and its release on each connection: " + server.requests);
      assertEquals(6, server.requests.size(), server.requests.toString());
      assertTrue(server.requests.get(0).contains("\r\nAccept: text/plain\r\n"), server.requests.get(0));
    }
  }

  @Test
  void chunkedAnswersAndAnswersUpToTheEndOfTheConnectionAreRead() throws Exception {
    try (RawServer server =
            new RawServer(
                request ->
                    request.startsWith("GET /get/")
                        ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx-distributex-token: 9\r\n\r\n"
                            + "1\r\nY\r\n2;note=x\r\nES\r\n0\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nOK",
                Integer.MAX_VALUE);
        DistributexClient client = DistributexClient.builder().server(server.uri()).plainSockets().build()) {
      try (DistributedLock lock = client.tryLock("p").orElseThrow()) {
        assertEquals(9, lock.token());
      }
      assertEquals(2, server.requests.size(), server.requests.toString());
      assertTrue(server.requests.get(1).startsWith("GET /release/?pool=p&host="), server.requests.get(1));
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    try (RawServer server = new RawServer(request -> null, Integer.MAX_VALUE);
        DistributexClient client =
            DistributexClient.builder()
                .server(server.uri())
                .plainSockets()
                .requestTimeout(Duration.ofMillis(300))
                .build()) {
      ServerUnavailableException silent = assertThrows(ServerUnavailableException.class, () -> client.tryLock("p"));
      assertEquals("cannot reach " + server.uri() + ": no answer within 0.3 s", silent.getMessage());
    }
  }

  /**
   * A server on a loopback socket that reads request heads and answers each with what {@code
   * answers} gives (null: no answer), closing each connection after {@code callsPerConnection}
   * answers.
   */
  private static final class RawServer implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    RawServer(Function<String, String> answers, int callsPerConnection) throws IOException {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket connection = socket.accept();
                    accepted.add(connection);
                    connections.incrementAndGet();
                    Thread serving = new Thread(() -> serve(connection, answers, callsPerConnection));
                    serving.setDaemon(true);
                    serving.start();
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    private void serve(Socket connection, Function<String, String> answers, int callsPerConnection) {
      try (connection) {
        InputStream in = connection.getInputStream();
        for (int call = 0; call < callsPerConnection; call++) {
          String request = head(in);
          if (request == null) {
            return;
          }
          requests.add(request);
          String answer = answers.apply(request);
          if (answer == null) {
            in.read(); // never answered: wait until the client gives up and closes
            return;
          }
          connection.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
          connection.getOutputStream().flush();
        }
      } catch (IOException gone) {
        // the client closed the connection
      }
    }

    /** A request's head up to its empty line; null when the connection ends first. */
    private static String head(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (true) {
        int next = in.read();
        if (next < 0) {
          return null;
        }
        head.write(next);
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r\n\r\n")) {
          return text;
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket connection : accepted) {
        connection.close();
      }
    }
  }
}
