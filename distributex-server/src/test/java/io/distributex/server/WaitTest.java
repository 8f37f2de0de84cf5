package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.async;
import static io.distributex.server.ServerTestSupport.await;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.get;
import static io.distributex.server.ServerTestSupport.holders;
import static io.distributex.server.ServerTestSupport.waiters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /wait/}: push hand-off, FIFO, active expiry, lease, timeout, queue places (docs/protocol.md). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitTest extends ServerTestBase {
  @Test
  void aWaiterIsAnsweredYesOnlyOnceTheHolderReleases() {
    long first = assertYes(get(server, "/get/?pool=p1&host=a"));
    CompletableFuture<Reply> b = async(server, "/wait/?pool=p1&host=b");
    awaitWaiters(server, "p1", List.of("b"));
    assertFalse(b.isDone(), "b waits while a holds");
    assertText(get(server, "/get/?pool=p1&host=c"), 200, "NO");
    assertFalse(b.isDone(), "b still waits");

    assertText(get(server, "/release/?pool=p1&host=a"), 200, "OK");
    long second = assertYes(await(b));
    assertTrue(second > first, "the waiter's token " + second + " must exceed the holder's " + first);
    assertEquals(List.of("b"), holders(server, "p1"));
    assertEquals(List.of(), waiters(server, "p1"));
  }

  @Test
  void waitersAreGrantedInTheOrderTheyQueued() {
    assertYes(get(server, "/get/?pool=p1&host=a"));
    List<String> order = List.of("w1", "w2", "w3");
    List<CompletableFuture<Reply>> waits = new ArrayList<>();
    List<String> queued = new ArrayList<>();
    for (String host : order) {
      waits.add(async(server, "/wait/?pool=p1&host=" + host));
      queued.add(host);
      awaitWaiters(server, "p1", queued);
    }

    String holder = "a";
    long previous = 0;
    for (int i = 0; i < order.size(); i++) {
      assertText(get(server, "/release/?pool=p1&host=" + holder), 200, "OK");
      long token = assertYes(await(waits.get(i)));
      assertTrue(token > previous);
      previous = token;
      for (int later = i + 1; later < order.size(); later++) {
        assertFalse(waits.get(later).isDone(), order.get(later) + " must not overtake " + order.get(i));
      }
      holder = order.get(i);
      assertEquals(List.of(holder), holders(server, "p1"));
      assertEquals(order.subList(i + 1, order.size()), waiters(server, "p1"));
    }
    assertText(get(server, "/release/?pool=p1&host=" + holder), 200, "OK");
  }

  @Test
  void anExpiredHoldPassesToTheWaiterWithoutAnyFurtherRequest() {
    Reply a = get(server, "/get/?pool=short&host=a");
    long first = assertYes(a);
    long aExpires = a.expiresMillis();
    CompletableFuture<Reply> b = async(server, "/wait/?pool=short&host=b");

    // Nothing else is asked of the server: the expiry alone must hand the slot on.
    Reply granted = await(b, Duration.ofSeconds(5));
    long second = assertYes(granted);
    assertTrue(second > first);
    long bAcquired = granted.expiresMillis() - 1_000;
    assertTrue(
        bAcquired >= aExpires,
        "b may hold only once a's hold ran out: b acquired " + bAcquired + ", a expired " + aExpires);
    assertEquals(List.of("b"), holders(server, "short"));
  }

  @Test
  void aLeaseReplacesThePoolsExpireAndTheSlotPassesOnWhenItEnds() {
    long before = System.currentTimeMillis();
    Reply a = get(server, "/get/?pool=p1&host=a&lease=0.5");
    long after = System.currentTimeMillis();
    long first = assertYes(a);
    long expires = a.expiresMillis();
    assertTrue(
        expires >= before + 500 && expires <= after + 500,
        "Expires " + expires + " should be the grant time (" + before + ".." + after + ") + 500 ms");

    CompletableFuture<Reply> b = async(server, "/wait/?pool=p1&host=b");
    Reply granted = await(b, Duration.ofSeconds(5));
    long second = assertYes(granted);
    assertTrue(second > first);
    long bAcquired = granted.expiresMillis() - 300_000;
    assertTrue(bAcquired >= expires, "b acquired " + bAcquired + " before a's lease ended " + expires);
  }

  @Test
  void aLeaseIsNeverLongerThanTheExpireOfThePool() {
    long before = System.currentTimeMillis();
    Reply a = get(server, "/get/?pool=short&host=a&lease=30");
    long after = System.currentTimeMillis();
    assertYes(a);
    long expires = a.expiresMillis();
    assertTrue(expires >= before + 1_000 && expires <= after + 1_000, "capped at expire 1 s: " + expires);
  }

  @Test
  void aLeaseOnWaitAppliesToTheGrant() {
    long before = System.currentTimeMillis();
    Reply b = get(server, "/wait/?pool=p1&host=b&lease=2.5");
    long after = System.currentTimeMillis();
    assertYes(b);
    assertTrue(b.expiresMillis() >= before + 2_500 && b.expiresMillis() <= after + 2_500, b::toString);
  }

  @Test
  void aWaitWhoseTimeoutRunsOutAnswersNoAndLeavesTheQueue() {
    assertYes(get(server, "/get/?pool=p1&host=a"));
    long start = System.nanoTime();
    Reply reply = await(async(server, "/wait/?pool=p1&host=b&timeout=0.3"));
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertText(reply, 200, "NO");
    assertTrue(waitedMillis >= 300, "answered NO after " + waitedMillis + " ms, before its timeout");
    assertEquals(List.of(), waiters(server, "p1"));
    assertEquals(List.of("a"), holders(server, "p1"));

    assertText(get(server, "/release/?pool=p1&host=a"), 200, "OK");
    assertEquals(List.of(), holders(server, "p1"), "a timed-out waiter is not granted later");
  }

  @Test
  void aWaitWithTimeoutZeroAnswersAtOnceLikeGet() {
    assertYes(get(server, "/get/?pool=p1&host=a"));
    assertText(get(server, "/wait/?pool=p1&host=b&timeout=0"), 200, "NO");
    assertEquals(List.of(), waiters(server, "p1"), "timeout=0 never queues");
    assertYes(get(server, "/wait/?pool=never&host=b&timeout=0"));
    assertEquals(List.of("b"), holders(server, "never"));
  }

  @Test
  void aSecondWaitFromAQueuedHostTakesOverItsPlace() {
    assertYes(get(server, "/get/?pool=p1&host=a"));
    CompletableFuture<Reply> bFirst = async(server, "/wait/?pool=p1&host=b");
    awaitWaiters(server, "p1", List.of("b"));
    CompletableFuture<Reply> c = async(server, "/wait/?pool=p1&host=c");
    awaitWaiters(server, "p1", List.of("b", "c"));

    CompletableFuture<Reply> bSecond = async(server, "/wait/?pool=p1&host=b");
    assertText(await(bFirst), 200, "NO");
    assertEquals(List.of("b", "c"), waiters(server, "p1"), "b keeps its place ahead of c");
    assertFalse(bSecond.isDone());

    assertText(get(server, "/release/?pool=p1&host=a"), 200, "OK");
    assertYes(await(bSecond));
    assertFalse(c.isDone(), "c must not overtake b");
    assertEquals(List.of("c"), waiters(server, "p1"));

    assertText(get(server, "/release/?pool=p1&host=b"), 200, "OK");
    assertYes(await(c));
  }

  @Test
  void releaseFromAQueuedHostCancelsItsWait() {
    assertYes(get(server, "/get/?pool=p1&host=a"));
    CompletableFuture<Reply> b = async(server, "/wait/?pool=p1&host=b");
    awaitWaiters(server, "p1", List.of("b"));
    CompletableFuture<Reply> c = async(server, "/wait/?pool=p1&host=c");
    awaitWaiters(server, "p1", List.of("b", "c"));

    assertText(get(server, "/release/?pool=p1&host=b"), 200, "OK");
    assertText(await(b), 200, "NO");
    assertEquals(List.of("c"), waiters(server, "p1"));
    assertEquals(List.of("a"), holders(server, "p1"));

    assertText(get(server, "/release/?pool=p1&host=a"), 200, "OK");
    assertYes(await(c));
    assertEquals(List.of("c"), holders(server, "p1"));
  }

  @Test
  void aFreedSemaphoreSlotGoesToTheFirstWaiter() {
    for (String host : List.of("a", "b", "c")) {
      assertYes(get(server, "/get/?pool=sem&host=" + host));
    }
    CompletableFuture<Reply> d = async(server, "/wait/?pool=sem&host=d");
    awaitWaiters(server, "sem", List.of("d"));
    CompletableFuture<Reply> e = async(server, "/wait/?pool=sem&host=e");
    awaitWaiters(server, "sem", List.of("d", "e"));
    assertText(get(server, "/get/?pool=sem&host=f"), 200, "NO");

    assertText(get(server, "/release/?pool=sem&host=b"), 200, "OK");
    assertYes(await(d));
    assertFalse(e.isDone());
    assertEquals(Set.of("a", "c", "d"), Set.copyOf(holders(server, "sem")));
  }
}
