package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.Concurrently;
import io.distributex.testing.MemcachedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three Distributex servers in one JVM sharing one real memcached behave as one server. */
@Timeout(120)
class MemcachedClusterTest {
  private MemcachedProcess memcached;
  private final List<DistributexServer> servers = new ArrayList<>();

  @BeforeEach
  void startCluster() throws Exception {
    memcached = MemcachedProcess.start();
    String yaml =
        ServerTestSupport.onMemcached(
            memcached, "  - name: mutex\n    expire: 60\n  - name: sem\n    maxlocks: 3\n    expire: 60\n");
    for (int i = 0; i < 3; i++) {
      servers.add(ServerTestSupport.start(yaml));
    }
  }

  @AfterEach
  void stopCluster() throws Exception {
    servers.forEach(DistributexServer::close);
    memcached.close();
  }

  @Test
  void thirtyClientsOverThreeServersNeverOverlapOnAMutex() throws Exception {
    Outcome outcome = hammer("mutex", 30, 8);
    assertEquals(30 * 8, outcome.counter, "every critical section ran exactly once");
    assertEquals(1, outcome.mostInside, "never more than one holder inside");
    assertTrue(outcome.tokensIncreasing, "tokens grow from grant to grant: " + outcome.tokens);
    assertEquals(30 * 8, sum("distributex_grants_total", "mutex"), "each grant counted once, by one server");
    assertEquals(30 * 8, sum("distributex_releases_total", "mutex"));
    assertTrue(sum("distributex_wait_seconds_count", "mutex") <= 30 * 8);
  }

  @Test
  void eachEventIsCountedByTheServerThatAppliedIt() {
    DistributexServer x = servers.get(0);
    DistributexServer y = servers.get(1);
    assertYes(get(x, "/get/?pool=mutex&host=a"));
    var waiting = ServerTestSupport.async(y, "/wait/?pool=mutex&host=b");
    ServerTestSupport.awaitWaiters(x, "mutex", List.of("b"));
    assertText(get(x, "/release/?pool=mutex&host=a"), 200, "OK");
    assertYes(ServerTestSupport.await(waiting));

    Exposition onX = ServerTestSupport.metrics(x);
    Exposition onY = ServerTestSupport.metrics(y);
    assertEquals(2, onX.value("distributex_grants_total", "pool", "mutex"), "x handed the slot to y's waiter");
    assertEquals(1, onX.value("distributex_wait_seconds_count", "pool", "mutex"));
    assertEquals(1, onX.value("distributex_releases_total", "pool", "mutex"));
    assertEquals(0, onY.value("distributex_grants_total", "pool", "mutex"));
    assertEquals(1, onY.value("distributex_holders", "pool", "mutex"), "gauges show the shared state");
  }

  @Test
  void aSemaphoreSharedByThreeServersNeverExceedsItsSlots() throws Exception {
    Outcome outcome = hammer("sem", 30, 6);
    assertEquals(30 * 6, outcome.counter);
    assertTrue(outcome.mostInside <= 3, "holders reached " + outcome.mostInside);
    assertEquals(outcome.tokens.size(), outcome.tokens.stream().distinct().count(), "a token was granted twice");
  }

  @Test
  void aWaiterOnOneServerIsServedByAReleaseOnAnother() {
    DistributexServer x = servers.get(0);
    DistributexServer y = servers.get(1);
    long first = assertYes(get(x, "/get/?pool=mutex&host=a"));
    var waiting = ServerTestSupport.async(y, "/wait/?pool=mutex&host=b");
    ServerTestSupport.awaitWaiters(x, "mutex", List.of("b"));
    assertText(get(x, "/get/?pool=mutex&host=c"), 200, "NO");
    assertText(get(x, "/release/?pool=mutex&host=a"), 200, "OK");
    long second = assertYes(ServerTestSupport.await(waiting));
    assertTrue(second > first);
  }

  @Test
  void unreachableMemcachedIsAnErrorNeverAYesAndTheServersRecover() throws Exception {
    DistributexServer server = servers.get(0);
    long token = assertYes(get(server, "/get/?pool=mutex&host=a"));
    memcached.kill();

    Reply refused = get(server, "/get/?pool=sem&host=b");
    assertEquals(503, refused.status(), refused::toString);
    assertTrue(refused.body().startsWith("ERROR: backend unavailable: "), refused::toString);
    Reply health = get(server, "/health");
    assertEquals(503, health.status(), health::toString);
    assertTrue(health.body().startsWith("ERROR: backend unavailable: "), health::toString);
    Exposition metrics = ServerTestSupport.metrics(server);
    assertEquals(0, metrics.value("distributex_backend_up"));
    assertTrue(metrics.samples().stream().noneMatch(s -> s.name().equals("distributex_holders")));
    Reply page = get(server, "/");
    assertEquals(503, page.status(), page::toString);
    assertTrue(page.body().contains("<meta http-equiv=\"refresh\"") && page.body().contains("ERROR: backend unavailable: "), page::toString);

    memcached.restart();
    for (DistributexServer each : servers) { // each reconnects on its own
      ServerTestSupport.awaitValue("health after memcached returns", () -> get(each, "/health").status(), 200);
    }
    // memcached came back empty, but a still holds: no server grants its slot to b, and a's
    // renewal through any server gives its hold back (if the granting server did not already).
    assertText(get(servers.get(1), "/get/?pool=mutex&host=b"), 200, "NO");
    // In the restore window even a's own /get/ answers NO (a hold put back may have ended before
    // the loss); the hold is a's all the same.
    assertText(get(servers.get(2), "/renew/?pool=mutex&host=a&token=" + token), 200, "OK");
    assertText(get(servers.get(2), "/get/?pool=mutex&host=a"), 200, "NO");
    assertText(get(servers.get(1), "/validate?pool=mutex&token=" + token), 200, "YES");
    assertText(get(servers.get(0), "/get/?pool=mutex&host=b"), 200, "NO");
  }

  private double sum(String metric, String pool) {
    return servers.stream().mapToDouble(server -> ServerTestSupport.metrics(server).value(metric, "pool", pool)).sum();
  }

  private record Outcome(int counter, int mostInside, List<Long> tokens, boolean tokensIncreasing) {}

  /** {@code clients} hosts spread over the servers, each taking the pool {@code rounds} times. */
  private Outcome hammer(String pool, int clients, int rounds) throws Exception {
    int[] counter = {0};
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Long> tokens = new ArrayList<>();
    Concurrently.run(
        clients,
        Duration.ofSeconds(90),
        c -> {
          DistributexServer server = servers.get(c % servers.size());
          String host = "client" + c;
          for (int round = 0; round < rounds; round++) {
            long token = assertYes(get(server, "/wait/?pool=" + pool + "&host=" + host + "&lease=30"));
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            synchronized (tokens) {
              tokens.add(token);
              counter[0]++;
            }
            inside.decrementAndGet();
            assertText(get(server, "/release/?pool=" + pool + "&host=" + host + "&token=" + token), 200, "OK");
          }
        });
    boolean increasing = true;
    for (int i = 1; i < tokens.size(); i++) {
      increasing &= tokens.get(i) > tokens.get(i - 1);
    }
    return new Outcome(counter[0], most.get(), tokens, increasing);
  }
}
