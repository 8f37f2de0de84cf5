package io.distributex.client;

import static io.distributex.client.TestServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.testing.ReplyDroppingProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Leases: a period of the caller's choosing, never renewed, a holder of their own. */
@Timeout(60)
class LeaseTest {
  private TestServer server;
  private DistributexClient client;

  @BeforeEach
  void start() {
    server = TestServer.start();
    client = server.client().build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aLeaseIsHeldUnderAHostOfItsOwnSoASecondOneOfTheSameClientIsBusy() {
    Lease lease = client.tryLease("mutex", Duration.ofMinutes(1)).orElseThrow();
    assertTrue(lease.holder().startsWith(client.identity() + "/"), lease.holder());
    assertEquals(List.of(lease.holder()), server.holders("mutex"));
    assertEquals(List.of(lease.token()), server.tokens("mutex"));
    assertEquals(Optional.empty(), client.tryLease("mutex", Duration.ofMinutes(1)));
    assertEquals(Optional.empty(), client.tryLock("mutex"));
    lease.close();
    assertEquals(List.of(), server.holders("mutex"));
  }

  @Test
  void aLeaseEndsAtItsPeriodWithoutRenewal() throws Exception {
    Lease lease = client.tryLease("mutex", Duration.ofMillis(300)).orElseThrow();
    eventually("the lease ended", () -> server.holders("mutex").isEmpty());
    assertTrue(client.tryLease("mutex", Duration.ofMinutes(1)).isPresent());
    assertFalse(lease.holdFor(Duration.ofMinutes(1)), "an ended lease cannot be held again");
  }

  @Test
  void holdForExtendsOrShortensTheSameGrant() throws Exception {
    Lease lease = client.tryLease("mutex", Duration.ofSeconds(5)).orElseThrow();
    assertTrue(lease.holdFor(Duration.ofSeconds(50))); // the pool's expire is 60 s
    assertEquals(List.of(lease.token()), server.tokens("mutex"));
    assertTrue(lease.expiresAt().isAfter(Instant.now().plus(Duration.ofSeconds(40))), lease.toString());

    assertTrue(lease.holdFor(Duration.ofMillis(200)));
    eventually("the shortened lease ended", () -> server.holders("mutex").isEmpty());
  }

  /**
   * The lease's hold ended and the slot is free when {@code holdFor} asks: the lease is over, and
   * the pool stays free (a renewal never grants anew).
   */
  @Test
  void holdForAfterTheHoldEndedLeavesThePoolFree() throws Exception {
    Lease lease = client.tryLease("mutex", Duration.ofMillis(100)).orElseThrow();
    eventually("the lease ended", () -> server.holders("mutex").isEmpty());
    assertFalse(lease.holdFor(Duration.ofMinutes(1)));
    assertEquals(List.of(), server.holders("mutex"));
  }

  @Test
  void holdForAfterAnotherTookThePoolLeavesItsHold() throws Exception {
    Lease lease = client.tryLease("mutex", Duration.ofMillis(100)).orElseThrow();
    eventually("the lease ended", () -> server.holders("mutex").isEmpty());
    try (DistributexClient other = server.client().build();
        DistributedLock taken = other.tryLock("mutex").orElseThrow()) {
      assertFalse(lease.holdFor(Duration.ofMinutes(1)));
      assertEquals(List.of(taken.token()), server.tokens("mutex"));
      assertNotEquals(lease.token(), taken.token());
    }
  }

  /**
   * Fault: the answer to a lease's {@code /get/} is lost (a proxy passes the request on and drops
   * the reply) although the server granted it. Without giving the holder's grant back, the pool
   * would stay held for the whole period by a lease nobody has.
   */
  @Test
  void aLeaseWhoseAnswerIsLostIsGivenBack() throws Exception {
    try (ReplyDroppingProxy proxy = new ReplyDroppingProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.uri().getPort()));
        DistributexClient viaProxy =
            DistributexClient.builder()
                .server(URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/"))
                .requestTimeout(Duration.ofSeconds(1))
                .build()) {
      proxy.dropReplies();
      assertThrows(ServerUnavailableException.class, () -> viaProxy.tryLease("mutex", Duration.ofSeconds(50)));
      eventually("the unanswered grant was given back", () -> server.holders("mutex").isEmpty());
    }
  }

  @Test
  void closeReleasesOnceAndEndsTheLease() {
    Lease lease = client.tryLease("mutex", Duration.ofMinutes(1)).orElseThrow();
    lease.close();
    lease.close();
    assertEquals(List.of(), server.holders("mutex"));
    assertThrows(IllegalStateException.class, () -> lease.holdFor(Duration.ofMinutes(1)));
  }

  @Test
  void closingTheClientLeavesLeasesToTheirPeriod() {
    Lease lease = client.tryLease("mutex", Duration.ofMinutes(1)).orElseThrow();
    client.close();
    assertEquals(List.of(lease.token()), server.tokens("mutex"));
    assertThrows(IllegalStateException.class, () -> client.tryLease("mutex", Duration.ofMinutes(1)));
  }

  @Test
  void refusalsAndMisuse() {
    assertThrows(UnknownPoolException.class, () -> client.tryLease("nope", Duration.ofMinutes(1)));
    assertThrows(NotAllowedException.class, () -> client.tryLease("guarded", Duration.ofMinutes(1)));
    assertThrows(IllegalArgumentException.class, () -> client.tryLease("mutex", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> client.tryLease("", Duration.ofMinutes(1)));
    assertEquals(List.of(), server.holders("mutex"));
  }
}
