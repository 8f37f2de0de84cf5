package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.entries;
import static io.distributex.server.ServerTestSupport.get;
import static io.distributex.server.ServerTestSupport.holders;
import static io.distributex.server.ServerTestSupport.pool;
import static io.distributex.server.ServerTestSupport.status;
import static io.distributex.server.ServerTestSupport.statusText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /renew/} and {@code /release/} with and without fencing tokens (docs/protocol.md). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RenewReleaseTest extends ServerTestBase {
  private Map<String, Object> holder(String pool) {
    List<Map<String, Object>> holders = entries(pool(status(server), pool), "holders");
    assertEquals(1, holders.size(), () -> "holders of " + pool + ": " + holders);
    return holders.get(0);
  }

  @Test
  void renewByTheHolderAnswersOkAndMovesExpiresForward() {
    long token = assertYes(get(server, "/get/?pool=p1&host=me"));
    Map<String, Object> granted = holder("p1");
    long firstExpires = (Long) granted.get("expires");
    ServerTestSupport.awaitClockPast((Long) granted.get("acquired") + 5);

    long before = System.currentTimeMillis();
    assertText(get(server, "/renew/?pool=p1&host=me"), 200, "OK");
    Map<String, Object> renewed = holder("p1");
    long expires = (Long) renewed.get("expires");
    assertTrue(expires > firstExpires, "renewal moves expires forward: " + firstExpires + " -> " + expires);
    assertTrue(expires >= before + 300_000, "expires restarts the full period: " + expires);
    assertEquals(token, renewed.get("token"), "a renewal keeps the token");
    assertEquals(granted.get("acquired"), renewed.get("acquired"));

    ServerTestSupport.awaitClockPast(before + 5);
    long beforeTokenRenewal = System.currentTimeMillis();
    assertText(get(server, "/renew/?pool=p1&host=me&token=" + token), 200, "OK");
    long again = (Long) holder("p1").get("expires");
    assertTrue(again > expires && again >= beforeTokenRenewal + 300_000, "renew with the right token");
  }

  @Test
  void renewByAHostThatHoldsNothingAnswers409No() {
    assertText(get(server, "/renew/?pool=p1&host=me"), 409, "NO");
    assertYes(get(server, "/get/?pool=p1&host=other"));
    String before = statusText(server);
    assertText(get(server, "/renew/?pool=p1&host=me"), 409, "NO");
    assertEquals(before, statusText(server));
  }

  @Test
  void renewWithAWrongTokenAnswers409NoAndLeavesTheHoldAlone() {
    long token = assertYes(get(server, "/get/?pool=p1&host=me"));
    Map<String, Object> granted = holder("p1");
    ServerTestSupport.awaitClockPast((Long) granted.get("acquired") + 5);
    String before = statusText(server);
    assertText(get(server, "/renew/?pool=p1&host=me&token=" + (token + 1)), 409, "NO");
    assertText(get(server, "/renew/?pool=p1&host=me&token=1"), 409, "NO");
    assertEquals(before, statusText(server), "a token mismatch changes nothing, not even expires");
  }

  @Test
  void releaseWithAWrongTokenAnswers409NoAndTheSlotStaysHeld() {
    long token = assertYes(get(server, "/get/?pool=p1&host=me"));
    String before = statusText(server);
    assertText(get(server, "/release/?pool=p1&host=me&token=" + (token + 1)), 409, "NO");
    assertEquals(before, statusText(server));
    assertText(get(server, "/validate?pool=p1&token=" + token), 200, "YES");
    assertText(get(server, "/get/?pool=p1&host=other"), 200, "NO");

    assertText(get(server, "/release/?pool=p1&host=me&token=" + token), 200, "OK");
    assertEquals(List.of(), holders(server, "p1"));
    assertYes(get(server, "/get/?pool=p1&host=other"));
  }

  @Test
  void aStaleHolderCannotReleaseItsNewerGrant() {
    long old = assertYes(get(server, "/get/?pool=p1&host=me"));
    assertText(get(server, "/release/?pool=p1&host=me"), 200, "OK");
    long current = assertYes(get(server, "/get/?pool=p1&host=me"));
    assertTrue(current > old);
    assertText(get(server, "/release/?pool=p1&host=me&token=" + old), 409, "NO");
    assertText(get(server, "/validate?pool=p1&token=" + current), 200, "YES");
    assertEquals(List.of("me"), holders(server, "p1"));
  }

  @Test
  void releaseByAHostThatHoldsNothingAnswersOkAndIsIdempotent() {
    assertText(get(server, "/release/?pool=p1&host=nobody"), 200, "OK");
    assertYes(get(server, "/get/?pool=p1&host=me"));
    String before = statusText(server);
    assertText(get(server, "/release/?pool=p1&host=nobody"), 200, "OK");
    assertEquals(before, statusText(server), "releasing nothing changes nothing");
    assertText(get(server, "/release/?pool=p1&host=me"), 200, "OK");
    assertText(get(server, "/release/?pool=p1&host=me"), 200, "OK");
    assertEquals(List.of(), holders(server, "p1"));
  }

  @Test
  void aStrictPoolReleasesAndRenewsWithTheRightToken() {
    long token = assertYes(get(server, "/get/?pool=builds&host=me"));
    assertText(get(server, "/renew/?pool=builds&host=me&token=" + token), 200, "OK");
    assertText(get(server, "/release/?pool=builds&host=me&token=" + (token + 1)), 409, "NO");
    assertText(get(server, "/release/?pool=builds&host=me&token=" + token), 200, "OK");
    assertEquals(List.of(), holders(server, "builds"));
  }
}
