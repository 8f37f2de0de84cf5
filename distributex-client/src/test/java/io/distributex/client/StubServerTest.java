package io.distributex.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the embedded server cannot show yet (authentication) or should never send. */
@Timeout(60)
class StubServerTest {
  /** The client builder every test starts from: {@link PlainSocketsTest} runs them over plain sockets. */
  DistributexClient.Builder builder() {
    return DistributexClient.builder();
  }

  @Test
  void sendsTheSecretAsBearerAndMaps401() {
    try (StubServer stub =
            new StubServer(exchange -> StubServer.send(exchange, 401, "INVALID: authentication required",
                "WWW-Authenticate", "Basic realm=\"distributex\""));
        DistributexClient client = builder().server(stub.uri()).secret("s3cret").build()) {
      AuthenticationException thrown = assertThrows(AuthenticationException.class, () -> client.lock("pool1"));
      assertEquals("authentication required", thrown.getMessage());
      assertThrows(AuthenticationException.class, () -> client.tryLock("pool1"));
      assertFalse(stub.requests.isEmpty());
      stub.requests.forEach(request -> assertEquals("Bearer s3cret", request.authorization()));
    }
  }

  @Test
  void sendsNoAuthorizationWithoutASecret() {
    try (StubServer stub = new StubServer(exchange -> StubServer.send(exchange, 200, "NO"));
        DistributexClient client = builder().server(stub.uri()).build()) {
      assertTrue(client.tryLock("pool1").isEmpty());
      assertNull(stub.requests.get(0).authorization());
      assertEquals("/get/", stub.requests.get(0).path());
      assertEquals(client.identity(), stub.requests.get(0).param("host"));
      assertEquals("15", stub.requests.get(0).param("lease"));
    }
  }

  @Test
  void errorAnswersCarryTheServersSentence() {
    try (StubServer stub =
            new StubServer(exchange -> StubServer.send(exchange, 503, "ERROR: backend unavailable: memcached down"));
        DistributexClient client = builder().server(stub.uri()).build()) {
      ServerUnavailableException thrown = assertThrows(ServerUnavailableException.class, () -> client.tryLock("p"));
      assertEquals("backend unavailable: memcached down", thrown.getMessage());
    }
    try (StubServer stub = new StubServer(exchange -> StubServer.send(exchange, 400, "INVALID: lease must be a number"));
        DistributexClient client = builder().server(stub.uri()).build()) {
      InvalidRequestException thrown = assertThrows(InvalidRequestException.class, () -> client.tryLock("p"));
      assertEquals("lease must be a number", thrown.getMessage());
    }
  }

  @Test
  void answersOutsideTheProtocolAreErrorsNotFalse() {
    try (StubServer stub = new StubServer(exchange -> StubServer.send(exchange, 200, "<html>proxy says hi</html>"));
        DistributexClient client = builder().server(stub.uri()).build()) {
      DistributexException thrown = assertThrows(DistributexException.class, () -> client.tryLock("p"));
      assertTrue(thrown.getMessage().contains("unexpected answer"), thrown.getMessage());
    }
  }

  @Test
  void aGrantWithoutTokenIsRefusedAndReleased() {
    try (StubServer stub =
            new StubServer(
                exchange -> StubServer.send(exchange, 200, exchange.getRequestURI().getPath().startsWith("/get") ? "YES" : "OK"));
        DistributexClient client = builder().server(stub.uri()).build()) {
      DistributexException thrown = assertThrows(DistributexException.class, () -> client.tryLock("p"));
      assertTrue(thrown.getMessage().contains("without a fencing token"), thrown.getMessage());
      assertEquals(1, stub.requests("/release/").size());
    }
  }

  @Test
  void aLongWaitIsReissuedAndEachNewRequestTakesOverTheOldOne() throws Exception {
    List<HttpExchange> parked = new ArrayList<>();
    AtomicInteger waitsSeen = new AtomicInteger();
    try (StubServer stub =
            StubServer.answeringWaits(
                exchange -> {
                  synchronized (parked) {
                    // Like the server: a new wait of the same host answers the earlier one NO.
                    for (HttpExchange earlier : parked) {
                      StubServer.send(earlier, 200, "NO");
                    }
                    parked.clear();
                    if (waitsSeen.incrementAndGet() >= 4) {
                      StubServer.send(exchange, 200, "YES", "X-Distributex-Token", "42",
                          "X-Distributex-Expires", Long.toString(System.currentTimeMillis() + 15_000));
                    } else {
                      parked.add(exchange);
                    }
                  }
                });
        DistributexClient client =
            builder().server(stub.uri()).waitRefresh(Duration.ofMillis(100)).build()) {
      DistributedLock lock = client.lock("p");
      assertEquals(42, lock.token());
      List<StubServer.Request> waits = stub.requests("/wait/");
      assertTrue(waits.size() >= 4, "re-issued: " + waits.size());
      waits.forEach(wait -> assertEquals(client.identity(), wait.param("host")));
      waits.forEach(wait -> assertNull(wait.param("timeout"), "lock() waits without limit"));
      lock.close();
      List<StubServer.Request> releases = stub.requests("/release/");
      assertEquals(1, releases.size());
      assertEquals("42", releases.get(0).param("token"));
    }
  }

  @Test
  void aGrantIsHandedOutOnlyAfterTheReplacementRequestIsAnswered() throws Exception {
    List<HttpExchange> parked = new ArrayList<>();
    AtomicInteger waitsSeen = new AtomicInteger();
    AtomicBoolean secondAnswered = new AtomicBoolean();
    String[] grant = grant(7);
    try (StubServer stub =
            StubServer.answeringWaits(
                exchange -> {
                  int seen = waitsSeen.incrementAndGet();
                  if (seen == 1) {
                    synchronized (parked) {
                      parked.add(exchange);
                    }
                    return;
                  }
                  if (seen > 2) {
                    // A loaded machine delayed the answers past another refresh: the host holds.
                    StubServer.send(exchange, 200, "YES", grant);
                    return;
                  }
                  // The slot was granted to the first request just before this one arrived:
                  // the first is answered YES, this one (the host holds) YES too, but late.
                  synchronized (parked) {
                    StubServer.send(parked.remove(0), 200, "YES", grant);
                  }
                  sleep(300);
                  secondAnswered.set(true);
                  StubServer.send(exchange, 200, "YES", grant);
                });
        DistributexClient client =
            builder().server(stub.uri()).waitRefresh(Duration.ofSeconds(1)).build()) {
      DistributedLock lock = client.lock("p");
      assertTrue(secondAnswered.get(), "the lock waited for the replacement's answer");
      assertEquals(7, lock.token());
      assertTrue(stub.requests("/wait/").size() >= 2);
      assertEquals(0, stub.requests("/release/").size());
      lock.close();
      assertEquals(1, stub.requests("/release/").size());
    }
  }

  @Test
  void aReplacementRequestLostOnTheWayDelaysTheGrantByOneRequestTimeoutAtMost() throws Exception {
    List<HttpExchange> parked = new ArrayList<>();
    AtomicInteger waitsSeen = new AtomicInteger();
    String[] grant = grant(9);
    try (StubServer stub =
            StubServer.answeringWaits(
                exchange -> {
                  synchronized (parked) {
                    int seen = waitsSeen.incrementAndGet();
                    if (seen <= 2) {
                      if (seen == 2) {
                        // The slot comes free as the replacement arrives: the first request is
                        // granted. On a loaded machine the client may have given up on it already
                        // (its request timeout ran out): then, as on the server, the host's next
                        // request takes the grant.
                        try {
                          StubServer.send(parked.remove(0), 200, "YES", grant);
                        } catch (IOException answerLost) {
                          // The client no longer listens for it.
                        }
                      }
                      parked.add(exchange); // the second one is never answered
                      return;
                    }
                  }
                  // Like the server: a holder's later wait is answered YES again, same token.
                  StubServer.send(exchange, 200, "YES", grant);
                });
        DistributexClient client = withShortRequestTimeout(stub)) {
      DistributedLock lock = client.lock("p");
      assertEquals(9, lock.token());
      assertTrue(lock.isHeld());
      lock.close();
      closeAll(parked);
    }
  }

  @Test
  void aGrantAnsweredAfterItsRequestTimedOutIsTakenByTheNextWait() throws Exception {
    // The grant goes to the first wait only after the client has given up on that request (its
    // request timeout is waitRefresh + requestTimeout = 400 ms from sending, the answer is written
    // 1 s after arrival): the client never sees that YES. Until then no wait is answered (all are
    // lost on the way); afterwards, as on the server, the holder's next wait is answered YES with
    // the same token. The client must keep queueing and take the lock from that next wait.
    List<HttpExchange> parked = new ArrayList<>();
    AtomicInteger waitsSeen = new AtomicInteger();
    AtomicBoolean granted = new AtomicBoolean();
    AtomicInteger waitsAfterGrant = new AtomicInteger();
    String[] grant = grant(11);
    try (StubServer stub =
            StubServer.answeringWaits(
                exchange -> {
                  if (granted.get()) {
                    waitsAfterGrant.incrementAndGet();
                    StubServer.send(exchange, 200, "YES", grant);
                    return;
                  }
                  if (waitsSeen.incrementAndGet() > 1) {
                    synchronized (parked) {
                      parked.add(exchange);
                    }
                    return;
                  }
                  if (!sleep(1000)) {
                    return;
                  }
                  granted.set(true);
                  try {
                    StubServer.send(exchange, 200, "YES", grant);
                  } catch (IOException answerLost) {
                    // The client closed the connection when the request timed out.
                  }
                });
        DistributexClient client = withShortRequestTimeout(stub)) {
      DistributedLock lock = client.lock("p");
      assertEquals(11, lock.token());
      assertTrue(lock.isHeld());
      assertTrue(waitsAfterGrant.get() >= 1, "the grant was taken by a later wait");
      lock.close();
      closeAll(parked);
    }
  }

  @Test
  void theFirstRenewalIsTimedFromTheGrantsArrivalNotFromItsHandOut() throws Exception {
    // The grant is answered to the first wait as its replacement arrives; the replacement is lost
    // on the way, so the lock is handed out one request timeout (4.2 s) after the grant arrived.
    // The server holds the slot for one lease (6 s) from the grant: the first renewal, due a
    // third of a lease after the grant, must reach it within that lease. (The stub's expiry lies
    // a minute ahead, like that of a server whose clock is ahead of ours: it does not shorten
    // the renewal period.)
    Duration lease = Duration.ofSeconds(6);
    List<HttpExchange> parked = new ArrayList<>();
    AtomicLong grantSent = new AtomicLong();
    AtomicLong firstRenewal = new AtomicLong();
    String[] grant = grant(5);
    try (StubServer stub =
            new StubServer(
                exchange -> {
                  String path = exchange.getRequestURI().getPath();
                  if (path.equals("/wait/")) {
                    synchronized (parked) {
                      if (!parked.isEmpty() && grantSent.get() == 0) {
                        grantSent.set(System.nanoTime());
                        StubServer.send(parked.get(0), 200, "YES", grant);
                      }
                      parked.add(exchange);
                    }
                  } else {
                    if (path.equals("/renew/")) {
                      firstRenewal.compareAndSet(0, System.nanoTime());
                    }
                    StubServer.send(exchange, 200, "OK", grant);
                  }
                });
        DistributexClient client =
            builder()
                .server(stub.uri())
                .lease(lease)
                .waitRefresh(Duration.ofMillis(100))
                .requestTimeout(Duration.ofMillis(4200))
                .build()) {
      DistributedLock lock = client.lock("p");
      assertEquals(5, lock.token());
      TestServer.eventually("a renewal, or the loss", () -> firstRenewal.get() != 0 || !lock.isHeld());
      assertTrue(firstRenewal.get() != 0, "the lock was lost before it was ever renewed: " + lock);
      long afterGrant = firstRenewal.get() - grantSent.get();
      assertTrue(
          afterGrant < lease.toNanos(),
          "first renewal " + afterGrant / 1_000_000 + " ms after the grant, which lasts " + lease.toMillis() + " ms");
      assertTrue(lock.isHeld());
      lock.close();
      closeAll(parked);
    }
  }

  @Test
  void aStrayGrantIsNeverReleasedWhileTheNextCallerHoldsItsToken() throws Exception {
    // A waits; its wait is held up on the way. A is interrupted, leaves the queue (releases) and
    // passes the turn to B, whose wait reaches the server. Then A's wait arrives after all and is
    // granted token 8, so the host holds 8 and B's wait is answered YES 8 as well (re-entrant).
    // A's 8 is a stray grant, but its token is B's now: releasing it would free B's slot.
    List<HttpExchange> waits = new ArrayList<>();
    String[] grant = grant(8);
    try (StubServer stub =
            StubServer.answeringWaits(
                exchange -> {
                  synchronized (waits) {
                    waits.add(exchange);
                  }
                });
        DistributexClient client =
            builder()
                .server(stub.uri())
                .waitRefresh(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofMillis(300))
                .build()) {
      CompletableFuture<Throwable> aEnded = new CompletableFuture<>();
      Thread a =
          new Thread(
              () -> {
                try {
                  aEnded.complete(new AssertionError("A got " + client.tryLock("p", Duration.ofSeconds(10))));
                } catch (InterruptedException | RuntimeException ended) {
                  aEnded.complete(ended);
                }
              });
      a.start();
      TestServer.eventually("A's wait at the server", () -> stub.requests("/wait/").size() == 1);
      a.interrupt();
      assertTrue(aEnded.get(15, TimeUnit.SECONDS) instanceof InterruptedException, "A left");

      CompletableFuture<DistributedLock> b = client.lockAsync("p");
      TestServer.eventually("B's wait at the server", () -> stub.requests("/wait/").size() == 2);
      synchronized (waits) {
        StubServer.send(waits.get(0), 200, "YES", grant);
      }
      // A wrong release of 8 would go out at once; give it a moment to show before B is answered.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (releasesOf(stub, "8") == 0 && System.nanoTime() - until < 0) {
        Thread.sleep(10);
      }
      synchronized (waits) {
        StubServer.send(waits.get(1), 200, "YES", grant);
      }
      DistributedLock lock = b.get(15, TimeUnit.SECONDS);
      assertEquals(8, lock.token());
      assertEquals(0, releasesOf(stub, "8"), "A's stray grant was released while B holds token 8");

      lock.close();
      TestServer.eventually("B's release, then A's stray one", () -> releasesOf(stub, "8") == 2);
    }
  }

  @Test
  void anEarlyNoQueuesAgainWithBackoffUntilTheTimeoutRunsOut() throws Exception {
    try (StubServer stub =
            StubServer.answeringWaits(exchange -> StubServer.send(exchange, 200, "NO"));
        DistributexClient client = builder().server(stub.uri()).build()) {
      assertTrue(client.tryLock("p", Duration.ofMillis(400)).isEmpty());
      List<StubServer.Request> waits = stub.requests("/wait/");
      assertTrue(waits.size() >= 2 && waits.size() <= 10, "queued again, without spinning: " + waits.size());
      double firstTimeout = Double.parseDouble(waits.get(0).param("timeout"));
      assertTrue(firstTimeout > 0 && firstTimeout <= 0.4, "timeout sent: " + firstTimeout);
    }
  }

  /** The headers of a grant with {@code token}, expiring in a minute. */
  private static String[] grant(long token) {
    return new String[] {
      "X-Distributex-Token", Long.toString(token),
      "X-Distributex-Expires", Long.toString(System.currentTimeMillis() + 60_000)
    };
  }

  /** How many releases of {@code token} the stub has seen. */
  private static long releasesOf(StubServer stub, String token) {
    return stub.requests("/release/").stream().filter(release -> token.equals(release.param("token"))).count();
  }

  /** Sleeps in a stub's handler; false when interrupted (the interrupt is kept). */
  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Closes the exchanges a stub kept unanswered. */
  private static void closeAll(List<HttpExchange> parked) {
    synchronized (parked) {
      for (HttpExchange exchange : parked) {
        exchange.close();
      }
    }
  }

  /** A client that refreshes its waits every 100 ms and gives up on a request after 300 ms more. */
  private DistributexClient withShortRequestTimeout(StubServer stub) {
    return builder()
        .server(stub.uri())
        .waitRefresh(Duration.ofMillis(100))
        .requestTimeout(Duration.ofMillis(300))
        .build();
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
