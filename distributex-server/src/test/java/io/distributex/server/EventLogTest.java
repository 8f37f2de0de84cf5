package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.async;
import static io.distributex.server.ServerTestSupport.await;
import static io.distributex.server.ServerTestSupport.awaitValue;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distributex.server.ServerTestSupport.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One log line per grant, release, expiry, timeout and refusal, when an operator turns them on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLogTest extends ServerTestBase {
  @Test
  void eachEventIsOneLineAtDebug() {
    try (LogCapture log = LogCapture.of(EventLog.NAME, Level.FINE)) {
      long first = assertYes(get(server, "/get/?pool=p1&host=a"));
      CompletableFuture<Reply> b = async(server, "/wait/?pool=p1&host=b");
      awaitWaiters(server, "p1", List.of("b"));
      assertText(get(server, "/release/?pool=p1&host=a"), 200, "OK");
      long second = assertYes(await(b));
      assertText(get(server, "/wait/?pool=p1&host=c&timeout=0.01"), 200, "NO");
      long third = assertYes(get(server, "/get/?pool=never&host=d&lease=0.01"));
      assertEquals(404, get(server, "/get/?pool=nope&host=e").status());
      awaitValue("the expiry logged", () -> log.lines().stream().anyMatch(line -> line.contains("expired")), true);

      // The expiry runs on the backend's timer: only the order within one pool is fixed.
      List<String> lines = log.lines();
      Pattern handOver = Pattern.compile("FINE granted p1 to b, token " + second + " after waiting \\d+ ms");
      assertEquals(
          List.of(
              "FINE granted p1 to a, token " + first + " at once",
              "FINE released p1 by a, token " + first,
              "handed over",
              "FINE timed out c waiting for p1"),
          lines.stream()
              .filter(line -> line.contains(" p1"))
              .map(line -> handOver.matcher(line).matches() ? "handed over" : line)
              .toList());
      assertEquals(
          List.of(
              "FINE granted never to d, token " + third + " at once",
              "FINE expired never held by d, token " + third),
          lines.stream().filter(line -> line.contains(" never ")).toList());
      assertEquals(
          List.of("FINE refused GET /get/ from 127.0.0.1: 404 INVALID: unknown pool 'nope'"),
          lines.stream().filter(line -> line.contains("refused")).toList());
      assertEquals(7, lines.size(), lines::toString);
    }
  }

  @Test
  void eventsAreNotLoggedAtTheDefaultLevel() {
    try (LogCapture log = LogCapture.of(EventLog.NAME, Level.INFO)) {
      assertYes(get(server, "/get/?pool=p1&host=a"));
      assertEquals(404, get(server, "/get/?pool=nope&host=e").status());
      assertEquals(List.of(), log.lines());
    }
  }
}
