package io.distributex.client;

import static io.distributex.client.TestServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Renewal, and a lock's loss when the server forgets it or cannot be reached. */
@Timeout(60)
class RenewalTest {
  private static final long PATIENCE = TestServer.PATIENCE.toSeconds();

  private TestServer server;
  private DistributexClient client;
  private DistributexClient other;

  @BeforeEach
  void start() {
    server = TestServer.start();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (other != null) {
      other.close();
    }
    server.close();
  }

  @Test
  void renewalKeepsAShortLeaseAliveForSeveralLeases() throws Exception {
    client = server.client().lease(Duration.ofMillis(1500)).build();
    other = server.client().build();
    DistributedLock lock = client.lock("mutex");
    Instant firstExpiry = lock.expiresAt().orElseThrow();
    Thread.sleep(5000); // more than three leases: only renewals keep the slot
    assertTrue(lock.isHeld());
    assertEquals(List.of(lock.token()), server.tokens("mutex"), "same grant, renewed");
    assertEquals(Optional.empty(), other.tryLock("mutex"));
    assertTrue(lock.expiresAt().orElseThrow().isAfter(firstExpiry), "expiry moved on");
    lock.close();
    assertTrue(other.tryLock("mutex").isPresent());
  }

  @Test
  void renewalFollowsAPoolExpireShorterThanTheLease() throws Exception {
    client = server.client().build(); // lease 15 s; the pool holds for 2 s only
    other = server.client().build();
    DistributedLock lock = client.lock("brief");
    Thread.sleep(4000);
    assertTrue(lock.isHeld());
    assertEquals(List.of(lock.token()), server.tokens("brief"));
    assertEquals(Optional.empty(), other.tryLock("brief"));
    lock.close();
  }

  @Test
  void aLockTheServerForgetsIsLost() throws Exception {
    DistributedLock lock = lockMutex(Duration.ofSeconds(1));
    CountDownLatch told = whenLost(lock);
    server.restart(); // same port, empty pools: the next renewal is answered 409
    assertTrue(told.await(PATIENCE, TimeUnit.SECONDS), "listener told");
    assertFalse(lock.isHeld());
    CountDownLatch late = whenLost(lock);
    assertTrue(late.await(PATIENCE, TimeUnit.SECONDS), "a listener added after the loss runs too");
    assertTrue(lock.toString().contains("lost"), lock.toString());
    lock.close(); // answered 409 by the new server: still no exception
    other = server.client().build();
    assertTrue(other.tryLock("mutex").isPresent());
  }

  @Test
  void aLockIsLostWhenTheServerStaysUnreachableForALease() throws Exception {
    DistributedLock lock = lockMutex(Duration.ofSeconds(1));
    CountDownLatch told = whenLost(lock);
    server.close();
    assertTrue(told.await(PATIENCE, TimeUnit.SECONDS), "listener told");
    assertFalse(lock.isHeld());
    lock.close(); // the server is gone: close must not throw
  }

  @Test
  void aClosedLockIsNotReportedLost() throws Exception {
    DistributedLock lock = lockMutex(Duration.ofMillis(500));
    CountDownLatch told = whenLost(lock);
    lock.close();
    server.close();
    assertFalse(told.await(1500, TimeUnit.MILLISECONDS));
    assertFalse(lock.isHeld());
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheOthers() throws Exception {
    DistributedLock lock = lockMutex(Duration.ofSeconds(1));
    lock.onLost(() -> {
      throw new IllegalStateException("listener bug (expected in this test)");
    });
    CountDownLatch told = whenLost(lock);
    server.restart();
    assertTrue(told.await(PATIENCE, TimeUnit.SECONDS));
    eventually("isHeld false", () -> !lock.isHeld());
  }

  /** Holds "mutex" through {@link #client}, built with {@code lease}. */
  private DistributedLock lockMutex(Duration lease) throws InterruptedException {
    client = server.client().lease(lease).build();
    return client.lock("mutex");
  }

  /** A latch counted down when {@code lock} is lost. */
  private static CountDownLatch whenLost(DistributedLock lock) {
    CountDownLatch told = new CountDownLatch(1);
    lock.onLost(told::countDown);
    return told;
  }
}
