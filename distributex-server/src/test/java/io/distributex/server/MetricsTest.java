package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.async;
import static io.distributex.server.ServerTestSupport.await;
import static io.distributex.server.ServerTestSupport.awaitValue;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.get;
import static io.distributex.server.ServerTestSupport.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.Exposition.Sample;
import io.distributex.server.ServerTestSupport.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /metrics} (docs/protocol.md): names, values, format, and bounded label sets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsTest extends ServerTestBase {
  private static final Set<String> CALLS =
      Set.of("get", "wait", "release", "renew", "validate", "status", "metrics", "health", "page", "other");

  @Test
  void everyFamilyIsThereForEveryPoolFromTheStart() {
    Exposition metrics = metrics(server);
    for (String pool : List.of("p1", "never", "sem", "short", "builds", "acl")) {
      for (String counter : List.of("grants", "releases", "expiries", "wait_timeouts", "busy", "refusals")) {
        assertEquals(0, metrics.value("distributex_" + counter + "_total", "pool", pool), counter + " of " + pool);
      }
      assertEquals(0, metrics.value("distributex_holders", "pool", pool));
      assertEquals(0, metrics.value("distributex_waiters", "pool", pool));
      assertEquals(0, metrics.value("distributex_wait_seconds_count", "pool", pool));
      assertEquals(0, metrics.value("distributex_wait_seconds_bucket", "pool", pool, "le", "+Inf"));
    }
    assertEquals(0, metrics.value("distributex_refusals_total"));
    assertEquals(1, metrics.value("distributex_backend_up"));
    assertEquals("histogram", metrics.type("distributex_wait_seconds"));
    assertEquals("gauge", metrics.type("distributex_holders"));
  }

  @Test
  void countsWhatHappenedToEachPool() {
    assertYes(get(server, "/get/?pool=p1&host=a"));
    assertText(get(server, "/get/?pool=p1&host=b"), 200, "NO");
    assertText(get(server, "/wait/?pool=p1&host=b&timeout=0"), 200, "NO");
    CompletableFuture<Reply> c = async(server, "/wait/?pool=p1&host=c");
    awaitWaiters(server, "p1", List.of("c"));
    assertText(get(server, "/release/?pool=p1&host=a"), 200, "OK");
    assertYes(await(c));
    assertText(get(server, "/wait/?pool=p1&host=d&timeout=0.05"), 200, "NO");
    assertYes(get(server, "/get/?pool=never&host=x&lease=0.05"));
    awaitValue("expiries of never", () -> metrics(server).value("distributex_expiries_total", "pool", "never"), 1.0);

    Exposition metrics = metrics(server);
    assertEquals(2, metrics.value("distributex_grants_total", "pool", "p1"));
    assertEquals(1, metrics.value("distributex_releases_total", "pool", "p1"));
    assertEquals(2, metrics.value("distributex_busy_total", "pool", "p1"));
    assertEquals(1, metrics.value("distributex_wait_timeouts_total", "pool", "p1"));
    assertEquals(0, metrics.value("distributex_expiries_total", "pool", "p1"));
    assertEquals(1, metrics.value("distributex_grants_total", "pool", "never"));
    assertEquals(1, metrics.value("distributex_expiries_total", "pool", "never"));
    assertEquals(1, metrics.value("distributex_holders", "pool", "p1"));
    assertEquals(0, metrics.value("distributex_waiters", "pool", "p1"));
    assertEquals(0, metrics.value("distributex_holders", "pool", "never"));
    assertEquals(1, metrics.value("distributex_wait_seconds_count", "pool", "p1"), "only c waited for its grant");
    assertTrue(metrics.value("distributex_wait_seconds_sum", "pool", "p1") >= 0);
    assertEquals(0, metrics.value("distributex_wait_seconds_count", "pool", "never"));
  }

  @Test
  void refusalsAreCountedPerPoolAndWithoutAPoolForNamesNotConfigured() {
    assertYes(get(server, "/get/?pool=p1&host=a"));
    assertEquals(403, get(server, "/get/?pool=acl&host=x").status());
    assertEquals(400, get(server, "/get/?pool=p1").status());
    assertText(get(server, "/renew/?pool=p1&host=zz"), 409, "NO");
    assertEquals(404, get(server, "/get/?pool=nope&host=a").status());
    assertEquals(404, get(server, "/foo/bar?pool=p1").status());
    assertEquals(400, get(server, "/release/?pool=builds&host=a").status());

    Exposition metrics = metrics(server);
    assertEquals(1, metrics.value("distributex_refusals_total", "pool", "acl"));
    // The label is the pool parameter when it names a configured pool, whatever the call.
    assertEquals(3, metrics.value("distributex_refusals_total", "pool", "p1"), "400, 409, unknown call");
    assertEquals(1, metrics.value("distributex_refusals_total", "pool", "builds"));
    assertEquals(1, metrics.value("distributex_refusals_total"), "the unknown pool");
    assertEquals(0, metrics.value("distributex_refusals_total", "pool", "sem"));
  }

  @Test
  void requestsAreCountedByCallAndStatusNeverByPath() {
    assertYes(get(server, "/get/?pool=p1&host=a"));
    assertText(get(server, "/get?pool=p1&host=b"), 200, "NO");
    assertEquals(404, get(server, "/get/?pool=nope&host=a").status());
    assertText(get(server, "/health"), 200, "OK");
    for (int i = 0; i < 3; i++) {
      assertEquals(404, get(server, "/secret-path-" + i).status());
    }
    assertEquals(200, get(server, "/").status());

    Exposition metrics = metrics(server);
    assertEquals(2, metrics.value("distributex_requests_total", "call", "get", "status", "200"));
    assertEquals(1, metrics.value("distributex_requests_total", "call", "get", "status", "404"));
    assertEquals(1, metrics.value("distributex_requests_total", "call", "health", "status", "200"));
    assertEquals(3, metrics.value("distributex_requests_total", "call", "other", "status", "404"));
    assertEquals(1, metrics.value("distributex_requests_total", "call", "page", "status", "200"));
    for (Sample sample : metrics.samples()) {
      if (sample.name().equals("distributex_requests_total")) {
        assertTrue(CALLS.contains(sample.labels().get("call")), sample::toString);
      }
    }
  }

  @Test
  void manyBogusPoolAndHostNamesAddNoSeries() {
    sendBogusNames(1); // so that every call and status below has its series already
    metrics(server);
    Set<String> before = series(metrics(server));
    sendBogusNames(300);
    assertEquals(before, series(metrics(server)));
    assertTrue(ServerTestSupport.statusText(server).length() < 2_000, "the status document stays small");
  }

  @Test
  void poolNamesAreEscapedAndTheOutputPassesPromtool() throws Exception {
    String yaml =
        """
        pools:
          - name: 'quote"back\\slash'
          - name: "s\u00e9maphore"
            maxlocks: 2
        """;
    try (DistributexServer odd = ServerTestSupport.start(yaml)) {
      assertYes(get(odd, "/get/?pool=quote%22back%5Cslash&host=a"));
      CompletableFuture<Reply> b = async(odd, "/wait/?pool=quote%22back%5Cslash&host=b");
      awaitWaiters(odd, "quote\"back\\slash", List.of("b"));
      assertText(get(odd, "/release/?pool=quote%22back%5Cslash&host=a"), 200, "OK");
      assertYes(await(b));
      Reply reply = get(odd, "/metrics");
      Exposition metrics = Exposition.parse(reply.body());
      assertEquals(2, metrics.value("distributex_grants_total", "pool", "quote\"back\\slash"));
      assertEquals(0, metrics.value("distributex_grants_total", "pool", "s\u00e9maphore"));
      assertTrue(reply.body().contains("pool=\"quote\\\"back\\\\slash\""), reply.body());

      Path promtool = ServerTestSupport.program("promtool");
      Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
      check.getOutputStream().write(reply.body().getBytes(StandardCharsets.UTF_8));
      check.getOutputStream().close();
      assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
      String verdict = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, check.exitValue(), "promtool check metrics: " + verdict + "\n" + reply.body());
    }
  }

  private void sendBogusNames(int times) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < times; i++) {
      String pool = "bogus" + random.nextLong();
      String host = "h" + random.nextLong();
      assertEquals(404, get(server, "/get/?pool=" + pool + "&host=" + host).status());
      assertText(get(server, "/release/?pool=p1&host=" + host), 200, "OK");
      assertEquals(404, get(server, "/" + pool + "?pool=" + pool).status());
    }
  }

  private static Set<String> series(Exposition metrics) {
    return metrics.samples().stream()
        .map(sample -> sample.name() + new java.util.TreeMap<>(sample.labels()))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
