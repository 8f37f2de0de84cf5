package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.basic;
import static io.distributex.server.ServerTestSupport.bearer;
import static io.distributex.server.ServerTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Json;
import io.distributex.server.ServerTestSupport.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code auth} (docs/protocol.md): shared, per-client and admin secrets over real HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthTest extends ServerTestBase {
  private static final String SHARED = "shared-s3cret";
  private static final String WEB1 = "s3cret-1";
  private static final String WEB2 = "s3cret-2";
  private static final String ADMIN = "adm1n-secret";
  private static final String YAML =
      """
      auth:
        secret: %s
        clients:
          web1: %s
          web2: %s
        admin: %s
      pools:
        - name: p1
          expire: 300
        - name: builds
          strict: true
        - name: web1only
          servers: [web1]
      """
          .formatted(SHARED, WEB1, WEB2, ADMIN);

  AuthTest() {
    super(YAML);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/get/?pool=p1&host=me", "/wait/?pool=p1&host=me&timeout=1", "/release/?pool=p1&host=me",
        "/renew/?pool=p1&host=me", "/validate?pool=p1&token=1", "/status", "/metrics", "/", "/nope",
        "/release/?pool=p1&host=me&force=1"
      })
  void everyCallButHealthNeedsCredentials(String target) {
    assertRefused(get(server, target));
    assertRefused(ServerTestSupport.post(server, target));
    assertEquals(List.of(), holders("p1"), "a refused call changed nothing");
  }

  @Test
  void healthIsOpen() {
    assertText(get(server, "/health"), 200, "OK");
    assertText(get(server, "/health/", bearer("wrong")), 200, "OK");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer wrong", "Bearer shared-s3cre", "Bearer shared-s3cretx", "Bearer ", "Bearer",
        "Basic !!!", "Basic bm9jb2xvbg==", "Digest shared-s3cret", "shared-s3cret", "",
        // web2's name with web1's secret
        "Basic d2ViMjpzM2NyZXQtMQ=="
      })
  void wrongOrMalformedCredentialsAreRefused(String authorization) {
    assertRefused(get(server, "/get/?pool=p1&host=me", "Authorization", authorization));
    assertEquals(List.of(), holders("p1"));
  }

  @Test
  void theSharedSecretWorksAsBearerAndAsBasicWithAnyUserName() {
    long token = assertYes(get(server, "/get/?pool=p1&host=me", bearer(SHARED)));
    assertText(get(server, "/renew/?pool=p1&host=me", basic("anyone", SHARED)), 200, "OK");
    assertText(get(server, "/validate?pool=p1&token=" + token, basic("", SHARED)), 200, "YES");
    assertEquals(200, get(server, "/status", bearer(SHARED)).status());
    assertEquals(200, get(server, "/", basic("browser", SHARED)).status());
    assertEquals(200, get(server, "/metrics", bearer(SHARED)).status());
    assertText(get(server, "/release/?pool=p1&host=me", bearer(SHARED)), 200, "OK");
  }

  @Test
  void aClientsSecretActsAsThatClientOnly() {
    long token = assertYes(get(server, "/get/?pool=p1", basic("web1", WEB1)));
    assertEquals(List.of("web1"), holders("p1"), "host left out: the client acts as itself");
    assertEquals(token, assertYes(get(server, "/get/?pool=p1&host=web1", bearer(WEB1))));

    String before = statusText();
    assertText(
        get(server, "/release/?pool=p1&host=web2", bearer(WEB1)),
        403,
        "INVALID: client 'web1' may not act as 'web2'");
    assertText(
        get(server, "/get/?pool=p1&host=web2", basic("web1", WEB1)),
        403,
        "INVALID: client 'web1' may not act as 'web2'");
    assertText(get(server, "/renew/?pool=p1&host=web1", bearer(WEB2)), 403, "INVALID: client 'web2' may not act as 'web1'");
    assertEquals(before, statusText(), "a forged host changed nothing");

    assertText(get(server, "/get/?pool=p1", bearer(WEB2)), 200, "NO");
    assertText(get(server, "/release/?pool=p1", bearer(WEB1)), 200, "OK");
    assertEquals(List.of(), holders("p1"));
  }

  @Test
  void aPoolsServersListNamesTheClientsThatMayUseIt() {
    assertYes(get(server, "/get/?pool=web1only", bearer(WEB1)));
    assertText(
        get(server, "/get/?pool=web1only", bearer(WEB2)),
        403,
        "INVALID: host 'web2' may not use pool 'web1only'");
    assertEquals(List.of("web1"), holders("web1only"));
  }

  @Test
  void onlyTheAdminMayForceARelease() throws Exception {
    assertYes(get(server, "/get/?pool=p1", bearer(WEB1)));
    String refused = "INVALID: force=1 needs the admin secret";
    assertText(get(server, "/release/?pool=p1&host=web1&force=1", bearer(SHARED)), 403, refused);
    assertText(get(server, "/release/?pool=p1&force=1", bearer(WEB1)), 403, refused);
    assertEquals(List.of("web1"), holders("p1"));

    try (LogCapture log = LogCapture.of("io.distributex.server", Level.INFO)) {
      assertText(get(server, "/release/?pool=p1&host=web1&force=1", bearer(ADMIN)), 200, "OK");
      assertTrue(
          log.lines().stream().anyMatch(line -> line.startsWith("INFO admin at 127.0.0.1 force-released web1 from pool p1")),
          () -> "the forced release is logged: " + log.lines());
    }
    assertEquals(List.of(), holders("p1"));
    assertText(get(server, "/renew/?pool=p1", bearer(WEB1)), 409, "NO");
  }

  @Test
  void theAdminForcesAStrictPoolWithoutTheHoldersToken() {
    long token = assertYes(get(server, "/get/?pool=builds", bearer(WEB2)));
    assertText(get(server, "/release/?pool=builds&host=web2", basic("admin", ADMIN)), 400, "INVALID: pool 'builds' is strict: token required");
    assertText(get(server, "/release/?pool=builds&host=web2&force=1", basic("admin", ADMIN)), 200, "OK");
    assertText(get(server, "/renew/?pool=builds&token=" + token, bearer(WEB2)), 409, "NO");
    assertEquals(List.of(), holders("builds"));
  }

  @Test
  void withoutAuthForceIsRefusedForWantOfAnAdminSecret() {
    try (DistributexServer open = ServerTestSupport.start()) {
      assertYes(get(open, "/get/?pool=p1&host=me"));
      assertText(
          get(open, "/release/?pool=p1&host=me&force=1"),
          403,
          "INVALID: force=1 needs the admin secret, and none is configured (auth.admin)");
      assertEquals(List.of("me"), ServerTestSupport.holders(open, "p1"));
    }
  }

  private static void assertRefused(Reply reply) {
    assertText(reply, 401, "INVALID: authentication required");
    assertEquals(
        "Basic realm=\"distributex\"",
        reply.header("WWW-Authenticate").orElse(""),
        () -> "the challenge of " + reply);
  }

  private String statusText() {
    Reply reply = get(server, "/status", bearer(SHARED));
    assertEquals(200, reply.status(), reply::toString);
    return reply.body();
  }

  @SuppressWarnings("unchecked")
  private List<String> holders(String pool) {
    Map<String, Object> status = (Map<String, Object>) Json.parse(statusText());
    return ServerTestSupport.entries(ServerTestSupport.pool(status, pool), "holders").stream()
        .map(holder -> (String) holder.get("host"))
        .toList();
  }
}
