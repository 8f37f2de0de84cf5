package io.distributex.server;

import static io.distributex.server.ServerTestSupport.answer;
import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.holders;
import static io.distributex.server.ServerTestSupport.raw;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static io.distributex.server.ServerTestSupport.statusText;
import static io.distributex.server.ServerTestSupport.waiters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.RawHttpConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal of docs/protocol.md this build implements: exact status, body (or its prefix where
 * the contract gives only an example), text/plain, and nothing changed by the refused call.
 *
 * <p>The refused calls are sent on raw sockets, verbatim, so malformed escapes reach the server
 * as written. Before each, "me" holds p1, builds and (as acme1) acl, "them" waits for p1, and the
 * pool "never" is free: a refused call that were served anyway would renew, release, grant or
 * queue something, and the status document would differ.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RefusalTest {
  private static final String LONG_256 = "h".repeat(256);
  private static final String E_ACUTE = "%C3%A9"; // two bytes of UTF-8

  /** One refused call: what is sent and what must come back. */
  record Case(String method, String target, int status, String body, boolean exact) {
    @Override
    public String toString() {
      String shown = target.length() > 70 ? target.substring(0, 70) + "..." : target;
      return method + " " + shown + " -> " + status;
    }
  }

  static Case exact(String target, int status, String body) {
    return new Case("GET", target, status, body, true);
  }

  static Case prefix(String target, int status, String bodyPrefix) {
    return new Case("GET", target, status, bodyPrefix, false);
  }

  static Stream<Case> refusals() {
    List<Case> cases = new ArrayList<>();
    // pool or host missing or empty: 400
    String noHost = "INVALID: missing parameter 'host'";
    String noPool = "INVALID: missing parameter 'pool'";
    cases.add(exact("/get/?pool=never", 400, noHost));
    cases.add(exact("/get/?pool=never&host=", 400, noHost));
    cases.add(exact("/wait/?pool=never", 400, noHost));
    cases.add(exact("/wait/?pool=never&host=", 400, noHost));
    cases.add(exact("/release/?pool=p1&host=", 400, noHost));
    cases.add(exact("/release/?pool=p1", 400, noHost));
    cases.add(exact("/renew/?pool=p1&host=", 400, noHost));
    cases.add(exact("/get/?host=me", 400, noPool));
    cases.add(exact("/get/?pool=&host=me", 400, noPool));
    cases.add(exact("/release/?host=me", 400, noPool));
    cases.add(exact("/validate?token=1", 400, noPool));
    cases.add(new Case("POST", "/get/?pool=never&host=", 400, noHost, true));
    cases.add(new Case("POST", "/release/?pool=p1", 400, noHost, true));

    // malformed timeout, lease, token: 400
    for (String bad : List.of("abc", "-1", "1e3", "NaN")) {
      cases.add(prefix("/wait/?pool=p1&host=me&timeout=" + bad, 400, "INVALID: timeout must be a number of seconds"));
      cases.add(prefix("/wait/?pool=never&host=x&timeout=" + bad, 400, "INVALID: timeout must be a number of seconds"));
    }
    for (String bad : List.of("abc", "-1", "1e3", "NaN", "0", "0.0")) {
      cases.add(prefix("/get/?pool=p1&host=me&lease=" + bad, 400, "INVALID: lease must be a number of seconds"));
      cases.add(prefix("/get/?pool=never&host=x&lease=" + bad, 400, "INVALID: lease must be a number of seconds"));
      cases.add(prefix("/wait/?pool=p1&host=me&lease=" + bad, 400, "INVALID: lease must be a number of seconds"));
    }
    for (String bad : List.of("abc", "0", "-5", "99999999999999999999")) {
      cases.add(prefix("/release/?pool=p1&host=me&token=" + bad, 400, "INVALID: token"));
      cases.add(prefix("/renew/?pool=p1&host=me&token=" + bad, 400, "INVALID: token"));
      cases.add(prefix("/release/?pool=builds&host=me&token=" + bad, 400, "INVALID: token"));
      cases.add(prefix("/validate?pool=p1&token=" + bad, 400, "INVALID: token"));
    }

    // names over 255 bytes: 400
    cases.add(prefix("/get/?pool=never&host=" + LONG_256, 400, "INVALID: "));
    cases.add(prefix("/get/?pool=never&host=" + E_ACUTE.repeat(128), 400, "INVALID: "));
    cases.add(prefix("/wait/?pool=never&host=" + LONG_256, 400, "INVALID: "));
    cases.add(prefix("/release/?pool=p1&host=" + LONG_256, 400, "INVALID: "));
    cases.add(prefix("/get/?pool=" + LONG_256 + "&host=me", 400, "INVALID: "));

    // control characters in a name: 400
    for (String control : List.of("%01", "%0A", "%0D", "%00", "%1B", "%7F", "%C2%85")) {
      cases.add(prefix("/get/?pool=never&host=a" + control + "b", 400, "INVALID: "));
    }
    cases.add(prefix("/wait/?pool=never&host=a%0Ab", 400, "INVALID: "));
    cases.add(prefix("/release/?pool=p1&host=me%0A", 400, "INVALID: "));
    cases.add(prefix("/get/?pool=ne%0Aver&host=me", 400, "INVALID: "));

    // unknown pool: 404
    String nope = "INVALID: unknown pool 'nope'";
    cases.add(exact("/get/?pool=nope&host=me", 404, nope));
    cases.add(exact("/wait/?pool=nope&host=me", 404, nope));
    cases.add(exact("/release/?pool=nope&host=me", 404, nope));
    cases.add(exact("/renew/?pool=nope&host=me", 404, nope));
    cases.add(exact("/validate?pool=nope&token=1", 404, nope));

    // host not in the pool's servers: 403
    String notAllowed = "INVALID: host 'x' may not use pool 'acl'";
    cases.add(exact("/get/?pool=acl&host=x", 403, notAllowed));
    cases.add(exact("/wait/?pool=acl&host=x", 403, notAllowed));
    cases.add(exact("/release/?pool=acl&host=x", 403, notAllowed));
    cases.add(exact("/renew/?pool=acl&host=x", 403, notAllowed));

    // strict pool without token: 400
    String strict = "INVALID: pool 'builds' is strict: token required";
    cases.add(exact("/release/?pool=builds&host=me", 400, strict));
    cases.add(exact("/renew/?pool=builds&host=me", 400, strict));
    cases.add(exact("/release/?pool=builds&host=other", 400, strict));

    // unknown path: 404
    cases.add(exact("/foo", 404, "INVALID: unknown call '/foo'"));
    cases.add(exact("/foo?pool=p1&host=me", 404, "INVALID: unknown call '/foo'"));
    cases.add(new Case("POST", "/foo", 404, "INVALID: unknown call '/foo'", true));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void isRefusedAndChangesNothing(Case refused) {
    try (DistributexServer server = ServerTestSupport.start()) {
      assertYes(raw(server, "/get/?pool=p1&host=me"));
      assertYes(raw(server, "/get/?pool=builds&host=me"));
      assertYes(raw(server, "/get/?pool=acl&host=acme1"));
      try (RawHttpConnection them = rawOpen(server, "GET", "/wait/?pool=p1&host=them")) {
        awaitWaiters(server, "p1", List.of("them"));
        String before = statusText(server);

        Reply reply = raw(server, refused.method(), refused.target());

        assertEquals(refused.status(), reply.status(), () -> "status of " + reply);
        if (refused.exact()) {
          assertEquals(refused.body(), reply.body(), () -> "body of " + reply);
        } else {
          assertTrue(reply.body().startsWith(refused.body()), () -> "body should start with '" + refused.body() + "': " + reply);
        }
        assertFalse(reply.body().endsWith("\n"), "no trailing newline");
        assertTrue(
            reply.contentType().toLowerCase(Locale.ROOT).startsWith("text/plain"),
            () -> "Content-Type of " + reply);
        assertFalse(reply.header(ServerTestSupport.TOKEN).isPresent(), "a refusal grants nothing");
        assertEquals(before, statusText(server), "the refused call changed the server's state");
        assertFalse(them.answered(), "the refused call answered the waiter");
      }
    }
  }

  /**
   * A request target that is not a valid URI (a malformed %-escape, a raw '|') is refused by
   * com.sun.net.httpserver itself, before any handler runs: 400 with the JDK's own HTML body, not
   * an INVALID sentence (README, "Choices the contract leaves open"). It must still change nothing.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("unparsableTargets")
  void aTargetTheJdkCannotParseIsRefusedWith400AndChangesNothing(String target) {
    try (DistributexServer server = ServerTestSupport.start()) {
      assertYes(raw(server, "/get/?pool=p1&host=me"));
      String before = statusText(server);
      assertEquals(400, raw(server, "GET", target).status());
      assertEquals(before, statusText(server));
      assertYes(raw(server, "/get/?pool=never&host=me"));
    }
  }

  static Stream<String> unparsableTargets() {
    return Stream.of(
        "/get/?pool=never&host=%zz",
        "/get/?pool=never&host=a%",
        "/get/?pool=never&host=a%4",
        "/get/?pool=never&host=%G1",
        "/release/?pool=p1&host=me%zz",
        "/get/?pool=never&host=a|b");
  }

  @Test
  void namesOf255BytesAreAccepted() {
    try (DistributexServer server = ServerTestSupport.start()) {
      String ascii = "h".repeat(255);
      assertYes(raw(server, "/get/?pool=never&host=" + ascii));
      assertText(raw(server, "/release/?pool=never&host=" + ascii), 200, "OK");
      String utf8 = E_ACUTE.repeat(127) + "h"; // 254 + 1 bytes
      assertYes(raw(server, "/get/?pool=never&host=" + utf8));
      assertEquals(List.of("\u00e9".repeat(127) + "h"), holders(server, "never"));
    }
  }

  @Test
  void moreWaitersThanMaxwaitersAreRefusedWith503() {
    String yaml =
        """
        maxwaiters: 2
        pools:
          - name: p
            expire: 300
          - name: q
            expire: 300
        """;
    try (DistributexServer server = ServerTestSupport.start(yaml)) {
      assertYes(raw(server, "/get/?pool=p&host=a"));
      try (RawHttpConnection w1 = openParked(server, "p", "w1");
          RawHttpConnection w2 = openParked(server, "p", "w2")) {
        String before = statusText(server);

        assertText(raw(server, "/wait/?pool=p&host=w3"), 503, "ERROR: too many waiters (2)");
        assertEquals(before, statusText(server), "the refused waiter changed nothing");
        assertFalse(w1.answered() || w2.answered());
        // Other calls still work: a /get on the full queue's pool, and on another pool.
        assertText(raw(server, "/get/?pool=p&host=h4"), 200, "NO");
        long token = assertYes(raw(server, "/get/?pool=q&host=h4"));
        // A /wait that need not queue is served; one that must, on any pool, is refused.
        assertEquals(token, assertYes(raw(server, "/wait/?pool=q&host=h4&timeout=30")));
        assertText(raw(server, "/wait/?pool=q&host=h5&timeout=30"), 503, "ERROR: too many waiters (2)");

        // A queued host asking again keeps its one place: not a third waiter.
        try (RawHttpConnection w1Again = rawOpen(server, "GET", "/wait/?pool=p&host=w1")) {
          assertText(answer(w1), 200, "NO");
          assertEquals(List.of("w1", "w2"), waiters(server, "p"));

          // A waiter that leaves frees its place for another.
          assertText(raw(server, "/release/?pool=p&host=w2"), 200, "OK");
          assertText(answer(w2), 200, "NO");
          try (RawHttpConnection w3 = rawOpen(server, "GET", "/wait/?pool=p&host=w3")) {
            awaitWaiters(server, "p", List.of("w1", "w3"));
            assertFalse(w1Again.answered() || w3.answered());
          }
        }
      }
    }
  }

  @Test
  void aRefusedWaiterChangesNothing() {
    String yaml =
        """
        maxwaiters: 1
        pools:
          - name: p
            expire: 300
        """;
    try (DistributexServer server = ServerTestSupport.start(yaml)) {
      assertYes(raw(server, "/get/?pool=p&host=a"));
      try (RawHttpConnection w1 = rawOpen(server, "GET", "/wait/?pool=p&host=w1")) {
        awaitWaiters(server, "p", List.of("w1"));
        String before = statusText(server);
        assertText(raw(server, "/wait/?pool=p&host=w2"), 503, "ERROR: too many waiters (1)");
        assertText(raw(server, "/wait/?pool=p&host=w2&lease=5&timeout=5"), 503, "ERROR: too many waiters (1)");
        assertEquals(before, statusText(server));
        assertFalse(w1.answered());
      }
    }
  }

  @Test
  void closingTheServerAnswersParkedWaiters503AndReturnsPromptly() {
    DistributexServer server = ServerTestSupport.start();
    try (RawHttpConnection b = openParked(server, "p1", "b");
        RawHttpConnection c = openParked(server, "p1", "c")) {
      long start = System.nanoTime();
      server.close();
      long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(closeMillis < 5_000, "close() took " + closeMillis + " ms");

      assertText(answer(b), 503, "ERROR: server shutting down");
      assertText(answer(c), 503, "ERROR: server shutting down");
    } finally {
      server.close();
    }
  }

  /** Makes {@code host} wait for {@code pool}, behind "holder" and anyone queued already. */
  private static RawHttpConnection openParked(DistributexServer server, String pool, String host) {
    if (holders(server, pool).isEmpty()) {
      assertYes(raw(server, "/get/?pool=" + pool + "&host=holder"));
    }
    List<String> queue = new ArrayList<>(waiters(server, pool));
    RawHttpConnection call = rawOpen(server, "GET", "/wait/?pool=" + pool + "&host=" + host);
    queue.add(host);
    awaitWaiters(server, pool, queue);
    return call;
  }
}
