package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.entries;
import static io.distributex.server.ServerTestSupport.get;
import static io.distributex.server.ServerTestSupport.holders;
import static io.distributex.server.ServerTestSupport.pool;
import static io.distributex.server.ServerTestSupport.post;
import static io.distributex.server.ServerTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/protocol.md and 1.1 over real HTTP: answers, headers, paths, validate, status, health. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiTest extends ServerTestBase {
  @Test
  void the07CurlSessionAnswersExactly() {
    assertText(get(server, "/get/?host=me&pool=p1"), 200, "YES");
    assertText(get(server, "/get/?host=them&pool=p1"), 200, "NO");
    assertText(get(server, "/release/?host=me&pool=p1"), 200, "OK");
    assertText(get(server, "/get/?host=them&pool=p1"), 200, "YES");
    assertText(get(server, "/release/?host=them&pool=p1"), 200, "OK");
  }

  @Test
  void everyYesCarriesATokenAndExpiresAtAcquiredPlusExpire() {
    long before = System.currentTimeMillis();
    Reply yes = get(server, "/get/?pool=p1&host=me");
    long after = System.currentTimeMillis();
    long token = assertYes(yes);
    long expires = yes.expiresMillis();
    assertTrue(
        expires >= before + 300_000 && expires <= after + 300_000,
        "Expires " + expires + " should be the grant time (" + before + ".." + after + ") + 300 s");

    Map<String, Object> holder = entries(pool(status(server), "p1"), "holders").get(0);
    assertEquals(token, holder.get("token"));
    assertEquals(expires, holder.get("expires"));
    assertEquals(expires, (Long) holder.get("acquired") + 300_000, "expires = acquired + expire");
  }

  @Test
  void aYesOnAPoolThatNeverExpiresHasATokenAndNoExpires() {
    Reply yes = get(server, "/get/?pool=never&host=me");
    assertYes(yes);
    assertFalse(yes.header(ServerTestSupport.EXPIRES).isPresent(), () -> "no Expires when never: " + yes);
    assertNull(entries(pool(status(server), "never"), "holders").get(0).get("expires"));
  }

  @Test
  void aYesGrantedToAWaiterCarriesTokenAndExpiresToo() {
    long first = assertYes(get(server, "/get/?pool=p1&host=a"));
    CompletableFuture<Reply> waiting = ServerTestSupport.async(server, "/wait/?pool=p1&host=b");
    ServerTestSupport.awaitWaiters(server, "p1", List.of("b"));
    long released = System.currentTimeMillis();
    assertText(get(server, "/release/?pool=p1&host=a"), 200, "OK");
    Reply granted = ServerTestSupport.await(waiting);
    long second = assertYes(granted);
    assertTrue(second > first, "token " + second + " must exceed the earlier " + first);
    assertTrue(granted.expiresMillis() >= released + 300_000, () -> "Expires of " + granted);
  }

  @Test
  void getAndWaitByTheHolderAnswerYesAgainWithTheSameToken() {
    assertAskingAgainKeepsTheOneHold("p1");
  }

  @Test
  void aHostHoldsAtMostOneSlotOfASemaphore() {
    assertAskingAgainKeepsTheOneHold("sem");
  }

  /** The holder of a slot of {@code pool} asks again by get and wait: YES, its token, no second slot. */
  private void assertAskingAgainKeepsTheOneHold(String pool) {
    long token = assertYes(get(server, "/get/?pool=" + pool + "&host=me"));
    assertEquals(token, assertYes(get(server, "/get/?pool=" + pool + "&host=me")));
    assertEquals(token, assertYes(get(server, "/wait/?pool=" + pool + "&host=me")));
    assertEquals(List.of("me"), holders(server, pool));
  }

  @Test
  void tokensStrictlyIncreaseFromGrantToGrant() {
    long previous = 0;
    for (int round = 0; round < 5; round++) {
      String host = "h" + round;
      long token = assertYes(get(server, "/get/?pool=p1&host=" + host));
      assertTrue(token > previous, "token " + token + " after " + previous);
      previous = token;
      assertText(get(server, "/release/?pool=p1&host=" + host), 200, "OK");
    }
  }

  @Test
  void everyCallWorksWithAndWithoutTrailingSlashAndWithGetAndPost() {
    for (String slash : List.of("", "/")) {
      for (String method : List.of("GET", "POST")) {
        String what = method + " with" + (slash.isEmpty() ? "out" : "") + " slash";
        long token = assertYes(call(method, "/get" + slash + "?pool=p1&host=me"));
        assertEquals(token, assertYes(call(method, "/wait" + slash + "?pool=p1&host=me")), what);
        assertText(call(method, "/renew" + slash + "?pool=p1&host=me"), 200, "OK");
        assertText(call(method, "/validate" + slash + "?pool=p1&token=" + token), 200, "YES");
        assertText(call(method, "/release" + slash + "?pool=p1&host=me"), 200, "OK");
        assertEquals(List.of(), holders(server, "p1"), what);
        assertText(call(method, "/health" + slash), 200, "OK");
        Reply status = call(method, "/status" + slash);
        assertEquals(200, status.status(), what);
        assertTrue(status.body().startsWith("{"), () -> what + ": " + status);
      }
    }
  }

  @Test
  void anUnknownPathIsRefusedWith404() {
    assertText(get(server, "/foo"), 404, "INVALID: unknown call '/foo'");
    assertText(post(server, "/foo"), 404, "INVALID: unknown call '/foo'");
    assertText(get(server, "/foo?pool=p1&host=me"), 404, "INVALID: unknown call '/foo'");
    assertEquals(List.of(), holders(server, "p1"));
  }

  @Test
  void validateAnswersYesForTheCurrentTokenOnlyAndNoAfterRelease() {
    long token = assertYes(get(server, "/get/?pool=p1&host=me"));
    assertText(get(server, "/validate?pool=p1&token=" + token), 200, "YES");
    assertText(get(server, "/validate?pool=p1&token=" + (token + 1)), 200, "NO");
    assertText(get(server, "/validate?pool=never&token=" + token), 200, "NO");
    assertText(get(server, "/release/?pool=p1&host=me"), 200, "OK");
    assertText(get(server, "/validate?pool=p1&token=" + token), 200, "NO");
  }

  @Test
  void validateWithoutATokenIsRefusedWith400() {
    Reply reply = get(server, "/validate?pool=p1");
    assertEquals(400, reply.status(), reply::toString);
    assertTrue(reply.body().startsWith("INVALID: "), reply::toString);
    assertTrue(reply.contentType().startsWith("text/plain"), reply::toString);
  }

  @Test
  void statusListsEveryPoolWithSettingsHoldersAndWaitersInQueueOrder() {
    long before = System.currentTimeMillis();
    Reply yes = get(server, "/get/?pool=p1&host=me");
    long afterGrant = System.currentTimeMillis();
    long token = assertYes(yes);
    long neverToken = assertYes(get(server, "/get/?pool=never&host=x"));
    long beforeQueue = System.currentTimeMillis();
    CompletableFuture<Reply> them = ServerTestSupport.async(server, "/wait/?pool=p1&host=them");
    ServerTestSupport.awaitWaiters(server, "p1", List.of("them"));
    CompletableFuture<Reply> third = ServerTestSupport.async(server, "/wait/?pool=p1&host=third");
    ServerTestSupport.awaitWaiters(server, "p1", List.of("them", "third"));
    long afterQueue = System.currentTimeMillis();

    Reply reply = get(server, "/status");
    assertEquals(200, reply.status());
    assertTrue(reply.contentType().startsWith("application/json"), reply::toString);
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) ServerTestSupport.Json.parse(reply.body());

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> pools = (List<Map<String, Object>>) status.get("pools");
    assertEquals(
        List.of("p1", "never", "sem", "short", "builds", "acl"),
        pools.stream().map(p -> p.get("name")).collect(Collectors.toList()),
        "every configured pool");

    Map<String, Object> p1 = pool(status, "p1");
    assertEquals(1L, p1.get("maxlocks"));
    assertEquals(300L, p1.get("expire"));
    List<Map<String, Object>> p1Holders = entries(p1, "holders");
    assertEquals(1, p1Holders.size());
    Map<String, Object> holder = p1Holders.get(0);
    assertEquals("me", holder.get("host"));
    assertEquals(token, holder.get("token"));
    long acquired = (Long) holder.get("acquired");
    assertTrue(acquired >= before && acquired <= afterGrant, "acquired " + acquired);
    assertEquals(acquired + 300_000, holder.get("expires"));
    assertEquals(yes.expiresMillis(), holder.get("expires"));

    List<Map<String, Object>> p1Waiters = entries(p1, "waiters");
    assertEquals(List.of("them", "third"), p1Waiters.stream().map(w -> w.get("host")).toList());
    for (Map<String, Object> waiter : p1Waiters) {
      long since = (Long) waiter.get("since");
      assertTrue(since >= beforeQueue && since <= afterQueue, "since " + since);
    }
    assertTrue((Long) p1Waiters.get(0).get("since") <= (Long) p1Waiters.get(1).get("since"));

    Map<String, Object> never = pool(status, "never");
    assertEquals(0L, never.get("expire"));
    Map<String, Object> neverHolder = entries(never, "holders").get(0);
    assertEquals("x", neverHolder.get("host"));
    assertEquals(neverToken, neverHolder.get("token"));
    assertTrue(neverHolder.containsKey("expires"), "expires is present, as null");
    assertNull(neverHolder.get("expires"));

    Map<String, Object> sem = pool(status, "sem");
    assertEquals(3L, sem.get("maxlocks"));
    assertEquals(List.of(), entries(sem, "holders"));
    assertEquals(List.of(), entries(sem, "waiters"));
    assertEquals(1L, pool(status, "short").get("expire"));
    assertEquals(1800L, pool(status, "builds").get("expire"), "the default expire");

    them.cancel(true);
    third.cancel(true);
  }

  @Test
  void healthAnswersOk() {
    assertText(get(server, "/health"), 200, "OK");
  }

  private Reply call(String method, String target) {
    return method.equals("GET") ? get(server, target) : post(server, target);
  }
}
