package io.distributex.server;

import static io.distributex.server.ServerTestSupport.answer;
import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.await;
import static io.distributex.server.ServerTestSupport.awaitAtMost;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.openFileDescriptors;
import static io.distributex.server.ServerTestSupport.raw;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.Await;
import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.TestKeystore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle, half-sent and slow connections never delay anyone (docs/operations.md, Connections). The
 * fault injected: 300 connections that never finish their request (100 opened and never used,
 * 200 stopped in the middle of their request line, headers or first TLS record) while calls of
 * other clients and a parked waiter's answer are served; all of them must be answered while the
 * stalled connections are still open (the JDK cuts those after {@code maxReqTime}, 10 s), and
 * every descriptor comes back once the stalled clients close. With the JDK server's former 16
 * threads, the first 16 stalled requests held every thread and the calls waited for the cut.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientsTest {
  private static final String POOLS = "pools:\n  - name: p1\n    expire: 300\n  - name: sem\n    maxlocks: 3\n";
  private static final int IDLE = 100;
  private static final int STALLED = 200;
  private static final int CALLS = 20;
  /**
   * Descriptors the JVM may open meanwhile for reasons of its own (the pollers of virtual threads
   * open theirs at the first blocked read); a leak per connection would show hundreds.
   */
  private static final long SLACK = 10;

  /** Where the stalled requests stop: in the request line, in the headers, before the blank line. */
  private static final List<String> HTTP_STALLS =
      List.of("G", "GET /get/?pool=sem&host=slow HTTP/1.1\r\nHost: 127.", "GET /status HTTP/1.1\r\nHost: x\r\n");

  /** The header of a TLS handshake record announcing 255 bytes, and none of them. */
  private static final byte[] TLS_STALL = {0x16, 0x03, 0x01, 0x00, (byte) 0xff};

  private final List<Socket> stalled = new ArrayList<>();

  @AfterEach
  void closeStalled() {
    closeAll(stalled);
  }

  @Test
  void stalledHttpConnectionsDelayNoCallAndNoWaiter() {
    try (DistributexServer server = ServerTestSupport.start(POOLS)) {
      warmUp(() -> raw(server, "/health"));
      long baseline = openFileDescriptors();
      assertYes(raw(server, "/get/?pool=p1&host=holder"));
      try (RawHttpConnection waiter = rawOpen(server, "GET", "/wait/?pool=p1&host=waiter")) {
        awaitWaiters(server, "p1", List.of("waiter"));
        stall(server, i -> HTTP_STALLS.get(i % HTTP_STALLS.size()).getBytes(US_ASCII));

        for (int i = 0; i < CALLS; i++) {
          assertYes(raw(server, "/get/?pool=sem&host=h" + i));
          assertText(raw(server, "/release/?pool=sem&host=h" + i), 200, "OK");
        }
        assertText(raw(server, "/release/?pool=p1&host=holder"), 200, "OK");
        assertYes(answer(waiter));
        assertAllStillOpen();
      }
      assertText(raw(server, "/release/?pool=p1&host=waiter"), 200, "OK");
      closeAll(stalled);
      awaitAtMost("open file descriptors", ServerTestSupport::openFileDescriptors, baseline + SLACK);
    }
  }

  @Test
  void stalledTlsHandshakesDelayNoCallAndNoWaiter(@TempDir Path dir) throws Exception {
    TestKeystore keystore = TestKeystore.create(dir);
    try (DistributexServer server = ServerTestSupport.start(keystore.yaml() + POOLS)) {
      HttpClient https = keystore.client();
      warmUp(() -> call(https, server, "/health"));
      long baseline = openFileDescriptors();
      assertYes(call(https, server, "/get/?pool=p1&host=holder"));
      CompletableFuture<Reply> waiter = ServerTestSupport.async(https, server, "GET", "/wait/?pool=p1&host=waiter");
      Await.until("the waiter queued", ServerTestSupport.SETTLE, Duration.ofMillis(10), () -> call(https, server, "/status").body(),
          status -> status.contains("\"waiters\":[{\"host\":\"waiter\""));
      stall(server, i -> TLS_STALL);

      for (int i = 0; i < CALLS; i++) {
        assertYes(call(https, server, "/get/?pool=sem&host=h" + i));
        assertText(call(https, server, "/release/?pool=sem&host=h" + i), 200, "OK");
      }
      assertText(call(https, server, "/release/?pool=p1&host=holder"), 200, "OK");
      assertYes(await(waiter));
      assertAllStillOpen();
      assertText(call(https, server, "/release/?pool=p1&host=waiter"), 200, "OK");
      closeAll(stalled);
      // The client's pooled connection may have been replaced by another meanwhile: same count.
      awaitAtMost("open file descriptors", ServerTestSupport::openFileDescriptors, baseline + SLACK);
    }
  }

  /** Opens {@link #IDLE} connections that send nothing and {@link #STALLED} that stop early. */
  private void stall(DistributexServer server, Function<Integer, byte[]> firstBytes) {
    int port = server.address().getPort();
    try {
      for (int i = 0; i < IDLE; i++) {
        stalled.add(new Socket("127.0.0.1", port));
      }
      for (int i = 0; i < STALLED; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        stalled.add(socket);
        socket.getOutputStream().write(firstBytes.apply(i));
        socket.getOutputStream().flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the stalled connections", e);
    }
  }

  /** The calls were served without the server cutting any stalled connection first. */
  private void assertAllStillOpen() {
    int closed = 0;
    for (Socket socket : stalled) {
      try {
        socket.setSoTimeout(1);
        if (socket.getInputStream().read() < 0) {
          closed++;
        }
      } catch (SocketTimeoutException stillOpen) {
        continue;
      } catch (IOException reset) {
        closed++;
      }
    }
    assertEquals(0, closed, "stalled connections closed by the server before the calls were served");
  }

  private static Reply call(HttpClient client, DistributexServer server, String target) {
    return await(ServerTestSupport.async(client, server, "GET", target));
  }

  /** A few calls first, so the descriptors of lazily opened JDK resources are in the baseline. */
  private static void warmUp(Runnable call) {
    for (int i = 0; i < 5; i++) {
      call.run();
    }
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        fail("cannot close a test socket", e);
      }
    }
    sockets.clear();
  }
}
