package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.async;
import static io.distributex.server.ServerTestSupport.await;
import static io.distributex.server.ServerTestSupport.awaitWaiterCount;
import static io.distributex.server.ServerTestSupport.get;
import static io.distributex.server.ServerTestSupport.holders;
import static io.distributex.server.ServerTestSupport.waiters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.MemcachedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stopping a server of a memcached cluster with waiters parked: answered at once, their places
 * taken out of the shared queue when memcached answers, and never more than about two seconds
 * when it does not (fault 3 of the adversarial review). Fault injected: memcached paused
 * (SIGSTOP); before the fix each waiter's cancel was a memcached write with a one-second timeout,
 * one after another, and six waiters took over six seconds.
 */
@Timeout(120)
class MemcachedShutdownTest {
  /** The contract's bound on a shutdown, whatever memcached does. */
  private static final Duration SHUTDOWN = Duration.ofSeconds(3);

  private MemcachedProcess memcached;
  private DistributexServer stopping;
  private DistributexServer staying;

  @BeforeEach
  void start() throws Exception {
    memcached = MemcachedProcess.start();
    String yaml = ServerTestSupport.onMemcached(memcached, "  - name: mutex\n    expire: 60\n");
    stopping = ServerTestSupport.start(yaml);
    staying = ServerTestSupport.start(yaml);
  }

  @AfterEach
  void stop() throws Exception {
    if (memcached.isRunning()) {
      memcached.resume();
    }
    stopping.close();
    staying.close();
    memcached.close();
  }

  @Test
  void withMemcachedPausedSixWaitersAreAnsweredAndTheServerStopsWithinThreeSeconds()
      throws Exception {
    List<CompletableFuture<Reply>> waits = parkSixWaiters();
    memcached.pause();

    long started = System.nanoTime();
    stopping.close();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertTrue(took.compareTo(SHUTDOWN) < 0, "stopped in " + took.toMillis() + " ms");
    for (CompletableFuture<Reply> wait : waits) {
      assertText(await(wait), 503, "ERROR: server shutting down");
    }
  }

  @Test
  void withMemcachedUpTheStoppedServersWaitersLeaveTheSharedQueueAtOnce() {
    List<CompletableFuture<Reply>> waits = parkSixWaiters();

    stopping.close();

    for (CompletableFuture<Reply> wait : waits) {
      assertText(await(wait), 503, "ERROR: server shutting down");
    }
    assertEquals(List.of(), waiters(staying, "mutex"), "no place of the stopped server is left");
    assertText(get(staying, "/release/?pool=mutex&host=a"), 200, "OK");
    assertEquals(List.of(), holders(staying, "mutex"), "no waiter of the stopped server was granted");
  }

  /** Host a holds the mutex through the staying server; six hosts wait on the stopping one. */
  private List<CompletableFuture<Reply>> parkSixWaiters() {
    assertYes(get(staying, "/get/?pool=mutex&host=a"));
    List<CompletableFuture<Reply>> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(async(stopping, "/wait/?pool=mutex&host=w" + i));
    }
    awaitWaiterCount(staying, "mutex", 6);
    return waits;
  }
}
