package io.distributex.server;

import static io.distributex.server.ServerTestSupport.answer;
import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.awaitAtMost;
import static io.distributex.server.ServerTestSupport.awaitHolders;
import static io.distributex.server.ServerTestSupport.awaitWaiterCount;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.holders;
import static io.distributex.server.ServerTestSupport.openFileDescriptors;
import static io.distributex.server.ServerTestSupport.raw;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static io.distributex.server.ServerTestSupport.waiters;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distributex.testing.RawHttpConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waiters whose clients have gone (connection reset): the slot handed to them must pass on, and
 * their connections must not leak (docs/protocol.md: bad input never leaks a slot). Only raw
 * sockets with {@code Connection: close} are used, so every descriptor the test opens is its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GoneClientTest extends ServerTestBase {
  /** Descriptors the JVM may open or close meanwhile for reasons of its own. */
  private static final long SLACK = 3;

  private final List<RawHttpConnection> opened = new ArrayList<>();

  @BeforeEach
  void warmUp() {
    for (int i = 0; i < 20; i++) {
      assertText(raw(server, "/health"), 200, "OK");
    }
  }

  @AfterEach
  void closeCalls() {
    opened.forEach(RawHttpConnection::close);
  }

  private RawHttpConnection open(String target) {
    RawHttpConnection call = rawOpen(server, "GET", target);
    opened.add(call);
    return call;
  }

  @Test
  void aSlotGrantedToAWaiterWhoseClientHasGonePassesToTheNextWaiter() {
    long baseline = openFileDescriptors();
    // Ten rounds, so that even one descriptor leaked per gone client shows above the slack.
    for (int round = 0; round < 10; round++) {
      String b = "b" + round;
      String c = "c" + round;
      assertYes(raw(server, "/get/?pool=p1&host=a"));
      RawHttpConnection gone = open("/wait/?pool=p1&host=" + b);
      awaitWaiters(server, "p1", List.of(b));
      RawHttpConnection next = open("/wait/?pool=p1&host=" + c);
      awaitWaiters(server, "p1", List.of(b, c));

      gone.reset();
      assertText(raw(server, "/release/?pool=p1&host=a"), 200, "OK");

      assertYes(answer(next));
      assertEquals(List.of(c), holders(server, "p1"), "the gone waiter " + b + " must not keep the slot");
      assertEquals(List.of(), waiters(server, "p1"));
      next.close();
      assertText(raw(server, "/release/?pool=p1&host=" + c), 200, "OK");
    }
    awaitAtMost("open file descriptors", ServerTestSupport::openFileDescriptors, baseline + SLACK);
  }

  @Test
  void manyGoneWaitersGrantedOrTimedOutLeakNoFileDescriptors() {
    long baseline = openFileDescriptors();
    assertYes(raw(server, "/get/?pool=p1&host=a"));
    assertYes(raw(server, "/get/?pool=never&host=a"));
    List<RawHttpConnection> gone = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      gone.add(open("/wait/?pool=p1&host=g" + i));
      gone.add(open("/wait/?pool=never&host=t" + i + "&timeout=2"));
    }
    awaitWaiterCount(server, "p1", 100);
    awaitWaiterCount(server, "never", 100);

    gone.forEach(RawHttpConnection::reset);
    // Each of the 100 is granted p1 in turn, cannot be told, and passes it on.
    assertText(raw(server, "/release/?pool=p1&host=a"), 200, "OK");
    awaitHolders(server, "p1", List.of());
    awaitWaiterCount(server, "p1", 0);
    // The other 100 time out, and their NO cannot be delivered either.
    awaitWaiterCount(server, "never", 0);
    assertEquals(List.of("a"), holders(server, "never"));
    assertText(raw(server, "/release/?pool=never&host=a"), 200, "OK");

    assertYes(raw(server, "/get/?pool=p1&host=z"));
    assertText(raw(server, "/release/?pool=p1&host=z"), 200, "OK");
    awaitAtMost("open file descriptors", ServerTestSupport::openFileDescriptors, baseline + SLACK);
  }
}
