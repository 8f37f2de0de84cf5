package io.distributex.server;

import static io.distributex.server.ServerTestSupport.ANSWER;
import static io.distributex.server.ServerTestSupport.answer;
import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.awaitHolders;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.holders;
import static io.distributex.server.ServerTestSupport.raw;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static io.distributex.server.ServerTestSupport.waiters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.distributex.core.BackendClosedException;
import io.distributex.core.BackendUnavailableException;
import io.distributex.core.InMemoryBackend;
import io.distributex.core.LockBackend;
import io.distributex.memcached.MemcachedBackend;
import io.distributex.server.GatedBackend.GiveBack;
import io.distributex.testing.MemcachedProcess;
import io.distributex.testing.RawHttpConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A grant that some request has delivered is never released as undelivered (fault 1 of the
 * adversarial review). Fault injected: the answer to host h's first wait is held back (a gated
 * backend) until h has asked again on a new connection and been answered YES with the same
 * token, and the first wait's connection is reset; the server then fails to write the first
 * answer. Before the fix it released the grant, and the next waiter w was granted while h still
 * held: two holders of one mutex. On both backends, with h's second call a {@code /get/} or a
 * {@code /wait/}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeliveredGrantTest {
  private MemcachedProcess memcached;
  private LockBackend real;
  private DistributexServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (real != null) {
      real.close();
    }
    if (memcached != null) {
      memcached.close();
    }
  }

  @ParameterizedTest(name = "{0}, asked again with {1}")
  @CsvSource({"inmemory, get", "inmemory, wait", "memcache, get", "memcache, wait"})
  void aGrantTheHostWasToldOfSurvivesTheLossOfItsFirstAnswer(String backend, String again)
      throws Exception {
    GatedBackend gated = serve(backend);
    assertYes(raw(server, "/get/?pool=p1&host=a"));
    try (RawHttpConnection first = rawOpen(server, "GET", "/wait/?pool=p1&host=h")) {
      awaitWaiters(server, "p1", List.of("h"));
      theSecondAnswerOutlivesTheFirst(gated, first, again);
    }
  }

  private void theSecondAnswerOutlivesTheFirst(GatedBackend gated, RawHttpConnection first, String again)
      throws InterruptedException {
    try (RawHttpConnection next = rawOpen(server, "GET", "/wait/?pool=p1&host=w")) {
      awaitWaiters(server, "p1", List.of("h", "w"));
      assertText(raw(server, "/release/?pool=p1&host=a"), 200, "OK");
      awaitHolders(server, "p1", List.of("h")); // granted; the answer is held back

      long token = assertYes(raw(server, "/" + again + "/?pool=p1&host=h"));
      first.reset();
      gated.open();

      GiveBack giveBack = gated.giveBacks.poll(ANSWER.toSeconds(), TimeUnit.SECONDS);
      assertNotNull(giveBack, "the server tried to pass on the grant of the gone wait");
      assertEquals(token, giveBack.token());
      assertEquals(List.of("h"), holders(server, "p1"), "h was told YES with token " + token);
      assertEquals(List.of("w"), waiters(server, "p1"), "w must still wait");
      assertFalse(next.answered(), "w must not be answered while h holds");

      assertText(raw(server, "/release/?pool=p1&host=h&token=" + token), 200, "OK");
      assertYes(answer(next));
    }
  }

  /**
   * A wait whose future failed before it could be parked answers as its cause says. Fault
   * injected: the backend's acquire returns an already failed future; before the fix the server
   * answered {@code 500 ERROR: internal error: java.util.concurrent.CompletionException}.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"inmemory", "memcache"})
  void aWaitThatFailedBeforeParkingAnswersAsItsCauseSays(String backend) throws Exception {
    GatedBackend gated = serve(backend);
    gated.failNextWait(new BackendUnavailableException("memcached: timed out", null));
    assertText(
        raw(server, "/wait/?pool=p1&host=h"), 503, "ERROR: backend unavailable: memcached: timed out");
    gated.failNextWait(new BackendClosedException());
    assertText(raw(server, "/wait/?pool=p1&host=h"), 503, "ERROR: server shutting down");
    assertYes(raw(server, "/wait/?pool=p1&host=h"));
  }

  /** Starts the server on a gated backend of {@code kind}. */
  private GatedBackend serve(String kind) throws Exception {
    GatedBackend gated = new GatedBackend(backend(kind));
    server =
        DistributexServer.builder()
            .config(ServerTestSupport.config(ServerTestSupport.POOLS_YAML))
            .backend(gated)
            .bind("127.0.0.1")
            .port(0)
            .start();
    return gated;
  }

  private LockBackend backend(String kind) throws Exception {
    var pools = ServerTestSupport.config(ServerTestSupport.POOLS_YAML).pools();
    if (kind.equals("inmemory")) {
      real = InMemoryBackend.builder().pools(pools).build();
    } else {
      memcached = MemcachedProcess.start();
      real =
          MemcachedBackend.builder()
              .servers(List.of(memcached.address()))
              .operationTimeout(Duration.ofSeconds(5))
              .pools(pools)
              .build();
    }
    return real;
  }
}
