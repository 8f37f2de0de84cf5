package io.distributex.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shared (read) locks against an embedded server over real HTTP, and what goes on the wire. */
@Timeout(60)
class SharedLockTest {
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

  private DistributexClient client() {
    DistributexClient client = server.client().build();
    clients.add(client);
    return client;
  }

  @Test
  void readersHoldTogetherAndAWriterWaitsForThemAll() throws Exception {
    DistributedLock first = client().lockShared("mutex");
    DistributedLock second = client().tryLockShared("mutex").orElseThrow();
    assertTrue(first.isShared() && second.isShared());
    assertTrue(second.token() > first.token(), "each reader has a token of its own");
    DistributexClient writer = client();
    assertEquals(Optional.empty(), writer.tryLock("mutex"));
    CompletableFuture<DistributedLock> writing = writer.lockAsync("mutex");
    assertEquals(
        Optional.empty(), client().tryLockShared("mutex", Duration.ofMillis(200)), "a reader waits behind the writer");
    first.close();
    assertFalse(writing.isDone());
    second.close();
    DistributedLock written = writing.get(TestServer.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertFalse(written.isShared());
    assertTrue(written.toString().contains("held"), written.toString());
  }

  @Test
  void aClientHoldingExclusivelyIsRefusedASharedLock() throws Exception {
    DistributexClient client = client();
    try (DistributedLock held = client.lock("other")) {
      assertTrue(held.isHeld());
    }
    DistributexClient elsewhere = server.client().identity(client.identity()).build();
    clients.add(elsewhere);
    try (DistributedLock held = elsewhere.lock("other")) {
      InvalidRequestException refused =
          assertThrows(InvalidRequestException.class, () -> client.tryLockShared("other"));
      assertEquals(
          "host '" + client.identity() + "' holds pool 'other' in exclusive mode", refused.getMessage());
      assertTrue(held.isHeld(), "the refusal changed nothing");
    }
  }

  @Test
  void onlySharedRequestsCarryAMode() {
    try (StubServer stub = new StubServer(exchange -> StubServer.send(exchange, 200, "NO"));
        DistributexClient client = DistributexClient.builder().server(stub.uri()).build()) {
      assertTrue(client.tryLock("p").isEmpty());
      assertTrue(client.tryLockShared("p").isEmpty());
      assertNull(stub.requests.get(0).param("mode"), "an exclusive request is as before modes");
      assertEquals(
          "pool=p&host=" + URLEncoder.encode(client.identity(), StandardCharsets.UTF_8)
              + "&lease=15",
          stub.requests.get(0).query());
      assertEquals("shared", stub.requests.get(1).param("mode"));
    }
  }
}
