package io.distributex.shedlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.client.DistributexClient;
import io.distributex.core.Grant;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockAssert;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.support.LockException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the provider adds to ShedLock's cases: other nodes, fencing tokens, errors. */
@Timeout(60)
class DistributexProviderBehaviourTest {
  private final EmbeddedServer server = new EmbeddedServer("report");
  private final DistributexLockProvider provider = new DistributexLockProvider(server.client());

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anotherNodeCannotLockWhileHeldNorDuringLockAtLeastFor() {
    try (DistributexClient otherNode = server.newClient()) {
      DistributexLockProvider other = new DistributexLockProvider(otherNode);
      SimpleLock lock = provider.lock(config("report", Duration.ofMinutes(5), Duration.ofMinutes(1))).orElseThrow();
      assertTrue(other.lock(config("report", Duration.ofMinutes(5), Duration.ZERO)).isEmpty());

      long token = server.holders("report").get(0).token();
      lock.unlock();
      assertEquals(List.of(token), tokens(), "unlock before lockAtLeastFor keeps the same grant");
      Instant end = server.holders("report").get(0).expires().orElseThrow();
      assertTrue(end.isBefore(Instant.now().plus(Duration.ofMinutes(1).plusSeconds(5))), "held until lockAtLeastFor, not lockAtMostFor: " + end);
      assertTrue(other.lock(config("report", Duration.ofMinutes(5), Duration.ZERO)).isEmpty());
    }
  }

  @Test
  void unlockAfterLockAtLeastForReleasesAtOnce() {
    SimpleLock lock = provider.lock(config("report", Duration.ofMinutes(5), Duration.ZERO)).orElseThrow();
    lock.unlock();
    assertEquals(List.of(), tokens());
  }

  @Test
  void theJobFindsItsFencingTokenOnItsThread() {
    AtomicReference<OptionalLong> seen = new AtomicReference<>();
    new DefaultLockingTaskExecutor(provider)
        .executeWithLock(
            (Runnable)
                () -> {
                  LockAssert.assertLocked();
                  seen.set(DistributexLockProvider.currentToken("report"));
                },
            config("report", Duration.ofMinutes(5), Duration.ZERO));

    assertTrue(seen.get().isPresent(), "no token inside the job");
    assertTrue(seen.get().getAsLong() > 0);
    assertEquals(OptionalLong.empty(), DistributexLockProvider.currentToken("report"), "token after the job");
    assertEquals(List.of(), tokens(), "the executor unlocked");
  }

  @Test
  void anExtendedLockKeepsItsToken() {
    SimpleLock lock = provider.lock(config("report", Duration.ofSeconds(30), Duration.ZERO)).orElseThrow();
    long token = DistributexLockProvider.currentToken("report").orElseThrow();
    SimpleLock extended = lock.extend(Duration.ofMinutes(5), Duration.ZERO).orElseThrow();
    assertEquals(OptionalLong.of(token), DistributexLockProvider.currentToken("report"));
    assertEquals(List.of(token), tokens());
    extended.unlock();
    assertEquals(OptionalLong.empty(), DistributexLockProvider.currentToken("report"));
  }

  @Test
  void aLockNameWithoutPoolIsALockExceptionSayingWhatToConfigure() {
    LockException failed =
        assertThrows(LockException.class, () -> provider.lock(config("nightly", Duration.ofMinutes(5), Duration.ZERO)));
    assertTrue(failed.getMessage().contains("add a pool named 'nightly'"), failed.getMessage());
  }

  @Test
  void anUnreachableServerIsALockException() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (DistributexClient nowhere =
        DistributexClient.builder()
            .server(URI.create("http://127.0.0.1:" + closedPort + "/"))
            .connectTimeout(Duration.ofSeconds(2))
            .build()) {
      DistributexLockProvider unreachable = new DistributexLockProvider(nowhere);
      assertThrows(LockException.class, () -> unreachable.lock(config("report", Duration.ofMinutes(5), Duration.ZERO)));
    }
  }

  private List<Long> tokens() {
    return server.holders("report").stream().map(Grant::token).collect(Collectors.toList());
  }

  private static LockConfiguration config(String name, Duration lockAtMostFor, Duration lockAtLeastFor) {
    return new LockConfiguration(ClockProvider.now(), name, lockAtMostFor, lockAtLeastFor);
  }
}
