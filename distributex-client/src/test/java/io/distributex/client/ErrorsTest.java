package io.distributex.client;

import static io.distributex.client.TestServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Every kind of failure surfaces as its exception, with the server's sentence. */
@Timeout(60)
class ErrorsTest {
  /** The client builder every test starts from: {@link PlainSocketsTest} runs them over plain sockets. */
  DistributexClient.Builder builder() {
    return DistributexClient.builder();
  }

  private static final long PATIENCE = TestServer.PATIENCE.toSeconds();

  private TestServer server;
  private final List<DistributexClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestServer.start();
  }

  @AfterEach
  void stop() {
    clients.forEach(DistributexClient::close);
    server.close();
  }

  private DistributexClient keep(DistributexClient client) {
    clients.add(client);
    return client;
  }

  /** Runs every way of taking {@code pool} and checks each fails with {@code type} and {@code sentence}. */
  private static void assertEveryCallFails(
      DistributexClient client, String pool, Class<? extends DistributexException> type, String sentence) {
    List<Executable> calls =
        List.of(
            () -> client.lock(pool),
            () -> client.tryLock(pool),
            () -> client.tryLock(pool, Duration.ofSeconds(5)),
            () -> {
              try {
                client.lockAsync(pool).get(PATIENCE, TimeUnit.SECONDS);
              } catch (ExecutionException failed) {
                throw failed.getCause();
              }
            });
    for (Executable call : calls) {
      DistributexException thrown = assertThrows(type, call);
      assertTrue(thrown.getMessage().contains(sentence), thrown.getMessage());
    }
  }

  @Test
  void unknownPool() {
    DistributexClient client = keep(server.client().build());
    assertEveryCallFails(client, "nope", UnknownPoolException.class, "unknown pool 'nope'");
  }

  @Test
  void hostNotAllowed() throws Exception {
    DistributexClient client = keep(server.client().identity("intruder").build());
    assertEveryCallFails(client, "guarded", NotAllowedException.class, "host 'intruder' may not use pool 'guarded'");
    DistributexClient allowed = keep(server.client().identity("allowed-host").build());
    allowed.lock("guarded").close();
  }

  @Test
  void serverUnreachable() throws Exception {
    URI nobody = URI.create("http://127.0.0.1:" + freePort() + "/");
    DistributexClient client = keep(builder().server(nobody).build());
    assertEveryCallFails(client, "mutex", ServerUnavailableException.class, "cannot reach " + nobody);
  }

  @Test
  void wrongServerPathIsAnInvalidRequest() {
    DistributexClient client = keep(builder().server(server.uri().resolve("/locks/")).build());
    assertEveryCallFails(client, "mutex", InvalidRequestException.class, "unknown call '/locks/");
  }

  @Test
  void serverShuttingDownEndsAWait() throws Exception {
    DistributexClient holder = keep(server.client().build());
    DistributexClient waiter = keep(server.client().build());
    DistributedLock held = holder.lock("mutex");
    CompletableFuture<DistributedLock> waiting = waiter.lockAsync("mutex");
    eventually("queued", () -> server.waiters("mutex").contains(waiter.identity()));
    server.close();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(PATIENCE, TimeUnit.SECONDS));
    assertInstanceOf(ServerUnavailableException.class, failed.getCause());
    assertTrue(failed.getCause().getMessage().contains("server shutting down"), failed.getCause().getMessage());
    held.close(); // server gone: no exception
  }

  @Test
  void refusedCallsGiveTheTurnBack() throws Exception {
    DistributexClient client = keep(server.client().build());
    for (int i = 0; i < 3; i++) {
      assertThrows(UnknownPoolException.class, () -> client.lock("nope"));
    }
    client.lock("mutex").close();
  }

  @Test
  void aDeadServerInTheListIsSkipped() throws Exception {
    URI nobody = URI.create("http://127.0.0.1:" + freePort() + "/");
    DistributexClient client = keep(builder().servers(List.of(nobody, server.uri())).build());
    try (DistributedLock lock = client.lock("mutex")) {
      assertEquals(List.of(lock.token()), server.tokens("mutex"));
    }
    assertEquals(List.of(), server.holders("mutex"));
    assertTrue(client.tryLock("mutex").isPresent());
  }

  @Test
  void allServersDeadNamesThemAll() throws IOException {
    URI one = URI.create("http://127.0.0.1:" + freePort() + "/");
    URI two = URI.create("http://127.0.0.1:" + freePort() + "/");
    DistributexClient client = keep(builder().servers(List.of(one, two)).build());
    ServerUnavailableException thrown = assertThrows(ServerUnavailableException.class, () -> client.tryLock("mutex"));
    assertTrue(thrown.getMessage().contains(one.toString()) && thrown.getMessage().contains(two.toString()),
        thrown.getMessage());
  }

  @Test
  void strictPoolWaitsCanBeCancelled() throws Exception {
    DistributexClient holder = keep(server.client().build());
    DistributexClient waiter = keep(server.client().build());
    DistributedLock held = holder.lock("strict");
    CompletableFuture<DistributedLock> waiting = waiter.lockAsync("strict");
    eventually("queued", () -> server.waiters("strict").contains(waiter.identity()));
    waiting.cancel(false);
    eventually("left the queue", () -> server.waiters("strict").isEmpty());
    held.close();
    assertEquals(List.of(), server.holders("strict"));
    waiter.lock("strict").close();
  }

  @Test
  void misuseIsRefusedBeforeAnyCall() {
    DistributexClient client = keep(server.client().build());
    assertThrows(IllegalArgumentException.class, () -> client.lock(""));
    assertThrows(IllegalArgumentException.class, () -> client.tryLock("a\nb"));
    assertThrows(IllegalArgumentException.class, () -> client.tryLock("x".repeat(256)));
    assertThrows(IllegalArgumentException.class, () -> client.tryLock("mutex", Duration.ofSeconds(-1)));
    assertThrows(IllegalStateException.class, () -> builder().build());
    assertThrows(IllegalArgumentException.class, () -> builder().server(URI.create("ftp://x/")));
    assertThrows(IllegalArgumentException.class, () -> builder().server(URI.create("http://x/?a=b")));
    assertThrows(IllegalArgumentException.class, () -> builder().lease(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> builder().secret("two words"));
    assertThrows(IllegalArgumentException.class, () -> builder().identity(""));
    assertThrows(IllegalArgumentException.class, () -> builder().requestTimeout(Duration.ZERO));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
