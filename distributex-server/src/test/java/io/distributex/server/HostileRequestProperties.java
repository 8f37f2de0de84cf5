package io.distributex.server;

import static io.distributex.server.ServerTestSupport.answer;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Json;
import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.RawHttpConnection;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Random paths, parameters, headers, methods and bodies thrown at a server with auth: every one
 * gets a whole answer in time, with a 2xx, 4xx or 5xx status and a well-formed body, and none
 * changes the locks. Every pool is full, its queue at the waiter limit, and the holders' and the
 * waiter's names hold a character the generators never produce, so no request, served or
 * refused, may change anything.
 */
class HostileRequestProperties {
  private static final String SHARED = "fuzz-shared";
  private static final String CLIENT_SECRET = "fuzz-client";
  private static final String AUTH = "Authorization: Bearer " + SHARED;
  private static final String YAML =
      """
      maxwaiters: 1
      auth:
        secret: %s
        clients:
          fuzzclient: %s
      pools:
        - name: p1
          expire: 0
        - name: sem
          maxlocks: 2
          expire: 0
        - name: builds
          strict: true
          expire: 0
        - name: acl
          expire: 0
          servers: [ fuzzclient, "~holder-4" ]
      """
          .formatted(SHARED, CLIENT_SECRET);
  private static final List<String> POOLS = List.of("p1", "sem", "builds", "acl");
  private static final List<String> PATHS =
      List.of(
          "/get/", "/get", "/wait/", "/wait", "/release/", "/renew", "/validate", "/validate/",
          "/status", "/metrics", "/health", "/", "/foo", "/get/x", "//get", "/%67et/", "/..", "/.%2e/");
  private static final List<String> ESCAPES =
      List.of(
          "%00", "%0A", "%0D", "%20", "%25", "%26", "%3D", "%2F", "%C3%A9", "%E2%82%AC", "%FF", "%",
          "%zz", "%4", "+", "%22", "%3C", "%5C");
  private static final Set<String> FRAMING =
      Set.of("content-length", "transfer-encoding", "host", "connection", "expect", "upgrade");
  private static final Pattern WORD_BODY = Pattern.compile("YES|NO|OK|(INVALID|ERROR): [^\\n]+");

  private DistributexServer server;
  private RawHttpConnection waiter;
  private String before;

  @BeforeProperty
  void fillEveryPool() {
    server = ServerTestSupport.start(YAML);
    for (String[] hold :
        new String[][] {
          {"p1", "~holder-1"}, {"sem", "~holder-2"}, {"sem", "~holder-3"}, {"builds", "~holder-5"},
          {"acl", "~holder-4"}
        }) {
      Reply yes = call("GET", "/get/?pool=" + hold[0] + "&host=" + hold[1], List.of(AUTH), null);
      assertEquals("YES", yes.body(), yes::toString);
    }
    waiter = rawOpen(server, "GET", "/wait/?pool=p1&host=~waiter", List.of(AUTH), null);
    ServerTestSupport.awaitValue("the waiter queued", () -> status().contains("\"~waiter\""), true);
    before = status();
  }

  @AfterProperty
  void stopServer() {
    waiter.close();
    server.close();
  }

  @Property(tries = 300)
  void everyRequestIsAnsweredWellAndChangesNothing(@ForAll("requests") Request request) {
    Reply reply = call(request.method(), request.target(), request.headers(), request.body());
    Statistics.label("status").collect(reply.status());

    assertTrue(reply.status() >= 200 && reply.status() < 600, reply::toString);
    assertFalse(reply.status() >= 300 && reply.status() < 400, reply::toString);
    assertWellFormed(request, reply);
    assertEquals(before, status(), () -> "the locks changed after " + request);
    assertFalse(waiter.answered(), () -> "the waiter was answered after " + request);
  }

  private static void assertWellFormed(Request request, Reply reply) {
    String type = reply.contentType().toLowerCase(Locale.ROOT);
    if (type.startsWith("text/html") && reply.body().startsWith("<h1>" + reply.status())) {
      // The JDK's own refusal of a request it cannot parse, before any handler runs.
      assertTrue(reply.status() >= 400, reply::toString);
    } else if (request.method().equals("HEAD")) {
      assertEquals("", reply.body(), reply::toString);
    } else if (type.startsWith("text/plain; version=0.0.4")) {
      Exposition.parse(reply.body());
    } else if (type.startsWith("text/plain")) {
      assertTrue(WORD_BODY.matcher(reply.body()).matches(), reply::toString);
      boolean word = !reply.body().startsWith("INVALID") && !reply.body().startsWith("ERROR");
      assertEquals(word, reply.status() == 200 || reply.status() == 409, reply::toString);
    } else if (type.startsWith("application/json")) {
      Json.parse(reply.body());
    } else if (type.startsWith("text/html")) {
      assertTrue(reply.body().startsWith("<!DOCTYPE html>") && reply.body().endsWith("</html>\n"), reply::toString);
    } else {
      throw new AssertionError("unexpected answer " + reply);
    }
  }

  private Reply call(String method, String target, List<String> headers, byte[] body) {
    try (RawHttpConnection call = rawOpen(server, method, target, headers, body)) {
      return answer(call);
    }
  }

  private String status() {
    Reply reply = call("GET", "/status", List.of(AUTH), null);
    assertEquals(200, reply.status(), reply::toString);
    return reply.body();
  }

  /** One request as sent: the target verbatim, headers as lines, and a body or none (null). */
  record Request(String method, String target, List<String> headers, byte[] body) {
    @Override
    public String toString() {
      return method + " " + target + " " + headers + (body == null ? "" : " body " + body.length + " bytes");
    }
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> method =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.of("GET", "POST")),
            Tuple.of(2, Arbitraries.of("HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW", "get")));
    Arbitrary<String> path = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(PATHS)), Tuple.of(1, junk().map(j -> "/" + j)));
    Arbitrary<String> query = parameter().list().ofMaxSize(6).map(pairs -> String.join("&", pairs));
    Arbitrary<String> target = Combinators.combine(path, query).as((p, q) -> q.isEmpty() ? p : p + "?" + q);
    Arbitrary<List<String>> headers =
        Combinators.combine(credentials(), header().list().ofMaxSize(3))
            .as(
                (credential, others) -> {
                  List<String> all = new ArrayList<>(others);
                  credential.ifPresent(all::add);
                  return all;
                });
    Arbitrary<Integer> bodySize =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.just(-1)),
            Tuple.of(3, Arbitraries.integers().between(0, 2_000)),
            Tuple.of(1, Arbitraries.integers().between(60_000, 100_000)));
    return Combinators.combine(method, target, headers, bodySize)
        .as((m, t, h, size) -> new Request(m, t, h, size < 0 ? null : body(size)));
  }

  private static byte[] body(int size) {
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = (byte) ("pool=p1&host=x\n".charAt(i % 15));
    }
    return body;
  }

  private static Arbitrary<String> parameter() {
    Arbitrary<String> key =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of("pool", "host", "timeout", "lease", "token", "force")),
            Tuple.of(1, junk()));
    Arbitrary<String> value =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.of(POOLS)),
            Tuple.of(3, Arbitraries.of("0", "1", "-1", ".5", "2.5", "1e3", "NaN", "99999999999999999999", "", "true", "fuzzclient")),
            Tuple.of(4, junk()),
            Tuple.of(1, Arbitraries.integers().between(250, 400).map("x"::repeat)));
    return Arbitraries.frequencyOf(
        Tuple.of(8, Combinators.combine(key, value).as((k, v) -> k + "=" + v)),
        Tuple.of(1, key));
  }

  /** Mostly good credentials, so most requests get past authentication. */
  private static Arbitrary<Optional<String>> credentials() {
    Arbitrary<String> good =
        Arbitraries.of(
            "Bearer " + SHARED, "Bearer " + CLIENT_SECRET,
            "Basic " + base64("fuzzclient:" + CLIENT_SECRET), "Basic " + base64("x:" + SHARED));
    Arbitrary<String> bad =
        Arbitraries.of(
            "Bearer wrong", "Basic !!!", "Basic " + base64("nobody:" + CLIENT_SECRET), "Digest x", "");
    return Arbitraries.frequencyOf(
            Tuple.of(6, good), Tuple.of(1, bad), Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60)))
        .map(value -> "Authorization: " + value)
        .optional(0.9);
  }

  private static Arbitrary<String> header() {
    Arbitrary<String> name =
        Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("Accept", "User-Agent", "Cookie", "X-Distributex-Token", "Content-Type", "Range")),
                Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMinLength(1).ofMaxLength(20)))
            .filter(n -> !FRAMING.contains(n.toLowerCase(Locale.ROOT)));
    Arbitrary<String> value = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200);
    return Combinators.combine(name, value).as((n, v) -> n + ": " + v);
  }

  /** Text as it may stand in a request target: URI characters, escapes good and bad. */
  private static Arbitrary<String> junk() {
    Arbitrary<String> piece =
        Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("-._!*'()=,;:@$").ofLength(1)),
            Tuple.of(2, Arbitraries.of(ESCAPES)));
    return piece.list().ofMaxSize(12).map(pieces -> String.join("", pieces));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }
}
