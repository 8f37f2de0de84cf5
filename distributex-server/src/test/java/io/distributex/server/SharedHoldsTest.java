package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.async;
import static io.distributex.server.ServerTestSupport.await;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.entries;
import static io.distributex.server.ServerTestSupport.get;
import static io.distributex.server.ServerTestSupport.metrics;
import static io.distributex.server.ServerTestSupport.pool;
import static io.distributex.server.ServerTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.Concurrently;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shared (read) holds over real HTTP: {@code mode=shared}, the 409, status and metrics. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SharedHoldsTest extends ServerTestBase {
  SharedHoldsTest() {
    super(
        """
        pools:
          - name: rw
            expire: 300
          - name: capped
            maxshared: 2
            expire: 300
        """);
  }

  @Test
  void sharedHoldersCoexistEachWithItsOwnTokenAndKeepAWriterOut() {
    long r1 = assertYes(get(server, "/get/?pool=rw&host=r1&mode=shared"));
    long r2 = assertYes(get(server, "/wait/?pool=rw&host=r2&mode=shared"));
    assertTrue(r2 > r1, "every shared grant has a token of its own");
    assertText(get(server, "/validate?pool=rw&token=" + r1), 200, "YES");
    assertText(get(server, "/get/?pool=rw&host=w"), 200, "NO");
    assertText(get(server, "/get/?pool=rw&host=w&mode=exclusive"), 200, "NO");
    assertEquals(r1, assertYes(get(server, "/get/?pool=rw&host=r1&mode=shared")), "re-entrant");
    assertText(get(server, "/release/?pool=rw&host=r1&token=" + r1), 200, "OK");
    assertText(get(server, "/renew/?pool=rw&host=r2&token=" + r2), 200, "OK");
    assertText(get(server, "/release/?pool=rw&host=r2"), 200, "OK");
    assertTrue(assertYes(get(server, "/get/?pool=rw&host=w")) > r2);
  }

  @Test
  void aHolderAskingInTheOtherModeIsRefusedAndKeepsItsHold() {
    long token = assertYes(get(server, "/get/?pool=rw&host=a&mode=shared"));
    String shared = "INVALID: host 'a' holds pool 'rw' in shared mode";
    assertText(get(server, "/get/?pool=rw&host=a"), 409, shared);
    assertText(get(server, "/wait/?pool=rw&host=a&mode=exclusive"), 409, shared);
    Map<String, Object> rw = pool(status(server), "rw");
    assertEquals(List.of(), entries(rw, "waiters"));
    assertEquals(token, entries(rw, "holders").get(0).get("token"));
    assertText(get(server, "/release/?pool=rw&host=a"), 200, "OK");

    assertYes(get(server, "/get/?pool=rw&host=b"));
    assertText(
        get(server, "/wait/?pool=rw&host=b&mode=shared&timeout=5"),
        409,
        "INVALID: host 'b' holds pool 'rw' in exclusive mode");
  }

  @Test
  void aModeOtherThanSharedOrExclusiveIsRefused() {
    assertText(
        get(server, "/get/?pool=rw&host=a&mode=read"), 400, "INVALID: mode must be 'shared' or 'exclusive'");
    assertText(
        get(server, "/wait/?pool=rw&host=a&mode=Shared"), 400, "INVALID: mode must be 'shared' or 'exclusive'");
    assertEquals(List.of(), entries(pool(status(server), "rw"), "holders"));
  }

  @Test
  void statusAndMetricsShowEveryHoldersAndWaitersMode() {
    assertYes(get(server, "/get/?pool=rw&host=w"));
    CompletableFuture<Reply> reader = async(server, "/wait/?pool=rw&host=r&mode=shared");
    awaitWaiters(server, "rw", List.of("r"));
    CompletableFuture<Reply> writer = async(server, "/wait/?pool=rw&host=w2");
    awaitWaiters(server, "rw", List.of("r", "w2"));

    Map<String, Object> status = status(server);
    Map<String, Object> rw = pool(status, "rw");
    assertNull(rw.get("maxshared"));
    assertTrue(rw.containsKey("maxshared"), "maxshared is present, as null");
    assertEquals(2L, pool(status, "capped").get("maxshared"));
    assertEquals("exclusive", entries(rw, "holders").get(0).get("mode"));
    assertEquals(
        List.of("shared", "exclusive"), entries(rw, "waiters").stream().map(w -> w.get("mode")).toList());

    Exposition metrics = metrics(server);
    assertEquals(1, metrics.value("distributex_mode_holders", "pool", "rw", "mode", "exclusive"));
    assertEquals(0, metrics.value("distributex_mode_holders", "pool", "rw", "mode", "shared"));
    assertEquals(1, metrics.value("distributex_mode_waiters", "pool", "rw", "mode", "shared"));
    assertEquals(2, metrics.value("distributex_waiters", "pool", "rw"), "totals over both modes");

    assertText(get(server, "/release/?pool=rw&host=w"), 200, "OK");
    assertYes(await(reader));
    assertFalse(writer.isDone(), "the writer waits for the reader ahead of it");
    assertText(get(server, "/release/?pool=rw&host=r"), 200, "OK");
    assertYes(await(writer));
    Exposition after = metrics(server);
    assertEquals(1, after.value("distributex_mode_grants_total", "pool", "rw", "mode", "shared"));
    assertEquals(2, after.value("distributex_mode_grants_total", "pool", "rw", "mode", "exclusive"));
    assertEquals(3, after.value("distributex_grants_total", "pool", "rw"));
  }

  @Test
  void maxsharedBoundsTheReaders() {
    assertYes(get(server, "/get/?pool=capped&host=a&mode=shared"));
    assertYes(get(server, "/get/?pool=capped&host=b&mode=shared"));
    assertText(get(server, "/get/?pool=capped&host=c&mode=shared"), 200, "NO");
  }

  /**
   * Readers and writers through the server: all the readers hold at once (each waits, holding,
   * until every reader holds), then everyone contends, and no writer ever holds beside anyone.
   */
  @Test
  void readersOverlapAndNoWriterEverOverlapsAnyone() throws Exception {
    int readers = 6;
    int writers = 2;
    CountDownLatch allReading = new CountDownLatch(readers);
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger writing = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Concurrently.run(
        readers + writers,
        Duration.ofSeconds(60),
        t -> {
          boolean reader = t < readers;
          String host = (reader ? "reader" : "writer") + t;
          if (!reader) {
            assertTrue(allReading.await(30, TimeUnit.SECONDS), "the readers never all held at once");
          }
          for (int round = 0; round < 15; round++) {
            String mode = reader ? "&mode=shared" : "";
            long token =
                assertYes(await(async(server, "/wait/?pool=rw&host=" + host + mode), Duration.ofSeconds(30)));
            if (reader) {
              reading.incrementAndGet();
              if (writing.get() > 0) {
                overlaps.incrementAndGet();
              }
              if (round == 0) {
                allReading.countDown();
                assertTrue(allReading.await(30, TimeUnit.SECONDS), "the readers never all held at once");
              }
              Thread.yield();
              reading.decrementAndGet();
            } else {
              if (writing.incrementAndGet() > 1 || reading.get() > 0) {
                overlaps.incrementAndGet();
              }
              Thread.yield();
              writing.decrementAndGet();
            }
            assertText(
                await(async(server, "/release/?pool=rw&host=" + host + "&token=" + token)), 200, "OK");
          }
        });
    assertEquals(0, overlaps.get(), "a writer held beside another holder");
    assertEquals(List.of(), entries(pool(status(server), "rw"), "holders"));
  }
}
