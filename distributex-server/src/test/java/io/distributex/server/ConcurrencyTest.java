package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.async;
import static io.distributex.server.ServerTestSupport.await;
import static io.distributex.server.ServerTestSupport.awaitWaiterCount;
import static io.distributex.server.ServerTestSupport.holders;
import static io.distributex.server.ServerTestSupport.liveThreads;
import static io.distributex.server.ServerTestSupport.raw;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static io.distributex.server.ServerTestSupport.waiters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.testing.Concurrently;
import io.distributex.testing.RawHttpConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many clients at once over real HTTP: exclusion, semaphore bound, and no thread per waiter. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConcurrencyTest extends ServerTestBase {
  /** What the threads of one run saw. */
  private static final class Shared {
    int counter; // plain on purpose: only mutual exclusion keeps it exact
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger maxInside = new AtomicInteger();
  }

  private Shared run(String pool, int threads, int rounds) throws Exception {
    Shared shared = new Shared();
    Concurrently.run(
        threads,
        Duration.ofSeconds(60),
        t -> {
          String host = "worker" + t;
          for (int round = 0; round < rounds; round++) {
            long token =
                assertYes(await(async(server, "/wait/?pool=" + pool + "&host=" + host), Duration.ofSeconds(30)));
            int now = shared.inside.incrementAndGet();
            shared.maxInside.accumulateAndGet(now, Math::max);
            int read = shared.counter;
            Thread.yield();
            shared.counter = read + 1;
            shared.inside.decrementAndGet();
            assertText(
                await(async(server, "/release/?pool=" + pool + "&host=" + host + "&token=" + token)),
                200,
                "OK");
          }
        });
    return shared;
  }

  @Test
  void eightHostsSharingAMutexNeverOverlapAndLoseNoIncrement() throws Exception {
    Shared shared = run("p1", 8, 50);
    assertEquals(8 * 50, shared.counter, "an increment was lost: two holders at once");
    assertEquals(1, shared.maxInside.get(), "more than one holder of a mutex at once");
    assertEquals(List.of(), holders(server, "p1"));
    assertEquals(List.of(), waiters(server, "p1"));
  }

  @Test
  void tenHostsSharingASemaphoreOfThreeNeverExceedThree() throws Exception {
    Shared shared = run("sem", 10, 30);
    assertTrue(shared.maxInside.get() <= 3, "max inside " + shared.maxInside.get());
    assertTrue(shared.maxInside.get() >= 1);
    assertEquals(List.of(), holders(server, "sem"));
    assertEquals(List.of(), waiters(server, "sem"));
  }

  @Test
  void aWaitingRequestHoldsNoThread() {
    assertYes(raw(server, "/get/?pool=p1&host=holder"));
    for (int i = 0; i < 40; i++) {
      assertText(raw(server, "/health"), 200, "OK"); // the server's worker threads now exist
    }
    long before = liveThreads();
    List<RawHttpConnection> waiting = new ArrayList<>();
    try {
      for (int i = 0; i < 500; i++) {
        waiting.add(rawOpen(server, "GET", "/wait/?pool=p1&host=w" + i));
      }
      awaitWaiterCount(server, "p1", 500);
      long during = liveThreads();
      assertTrue(during - before < 50, "500 waiters took " + (during - before) + " threads (" + before + " -> " + during + ")");
      assertText(raw(server, "/get/?pool=never&host=other"), 200, "YES");
    } finally {
      server.close();
      waiting.forEach(RawHttpConnection::close);
    }
  }
}
