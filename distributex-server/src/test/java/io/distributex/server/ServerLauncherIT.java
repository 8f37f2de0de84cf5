package io.distributex.server;

import static io.distributex.server.ServerTestSupport.answer;
import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.TestKeystore;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code bin/distributex-server} launcher, as a user would, and talks to it. */
@Timeout(120)
class ServerLauncherIT {
  private static final Path HOME = Launcher.HOME;

  @RegisterExtension final Launcher launcher = new Launcher();

  @Test
  void theShippedConfigurationServesThe07CurlSession(@TempDir Path dir) throws Exception {
    // A copy, so that its journal (next to the file) is this test's own.
    Files.copy(HOME.resolve("distributex.yaml"), dir.resolve("distributex.yaml"));
    Process server = launcher.launch(dir, "-p", "0");
    int port = Launcher.awaitListening(server).port();
    String base = "http://localhost:" + port;
    assertEquals("YES", Launcher.curl(base + "/get/?host=me&pool=pool1"));
    assertEquals("NO", Launcher.curl(base + "/get/?host=them&pool=pool1"));
    assertEquals("OK", Launcher.curl(base + "/release/?host=me&pool=pool1"));
    assertEquals("YES", Launcher.curl(base + "/get/?host=them&pool=pool1"));
    assertEquals("OK", Launcher.curl(base + "/release/?host=them&pool=pool1"));
    assertEquals("YES", Launcher.curl(base + "/get/?host=me&pool=pool2"));

    server.destroy();
    assertTrue(server.waitFor(10, TimeUnit.SECONDS), "SIGTERM should stop the server");
    assertEquals(0, server.exitValue(), "a SIGTERM stop is a clean stop");
    assertTrue(Files.size(dir.resolve("distributex.journal")) > 0, "the shipped file keeps a journal");
  }

  @Test
  void withoutAConfigurationFileItServesTheDefaultPool(@TempDir Path empty) throws Exception {
    Process server = launcher.launch(empty, "-p", "0", "-b", "127.0.0.1");
    int port = Launcher.awaitListening(server).port();
    assertEquals("YES", Launcher.curl("http://127.0.0.1:" + port + "/get?host=me&pool=default"));
    assertEquals("INVALID: unknown pool 'pool1'", Launcher.curl("http://127.0.0.1:" + port + "/get?host=me&pool=pool1"));
    server.destroy();
    assertTrue(server.waitFor(10, TimeUnit.SECONDS));
  }

  @Test
  void aBadConfigurationStopsItBeforeItListensWithStatus2(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "port: 9889\npools:\n  - name: p\n    maxlocks: 0\n");
    Process server = launcher.launch(dir, "-c", config.toString(), "-p", "0");
    assertTrue(server.waitFor(60, TimeUnit.SECONDS));
    String output = Launcher.read(server);
    assertEquals(2, server.exitValue(), output);
    assertTrue(output.contains("bad.yaml:4"), output);
    assertTrue(output.contains("maxlocks"), output);
    assertTrue(!output.contains("listening"), output);
  }

  @Test
  void aMissingConfigurationFileIsStatus2(@TempDir Path dir) throws Exception {
    Process server = launcher.launch(dir, "-c", "nope.yaml", "-p", "0");
    assertTrue(server.waitFor(60, TimeUnit.SECONDS));
    String output = Launcher.read(server);
    assertEquals(2, server.exitValue(), output);
    assertTrue(output.contains("nope.yaml"), output);
  }

  @Test
  void sigtermAnswersWaitersThatTheServerIsShuttingDownAndExitsCleanly(@TempDir Path dir) throws Exception {
    Process server = launcher.launch(dir, "-c", config(dir, POOL).toString(), "-p", "0", "-b", "127.0.0.1");
    int port = Launcher.awaitListening(server).port();
    assertEquals("YES", Launcher.curl(url(port, "/get/?pool=p&host=holder")));
    try (RawHttpConnection waiter = rawOpen(port, "GET", "/wait/?pool=p&host=waiter", List.of(), null)) {
      awaitStatus(port, "\"waiters\":[{\"host\":\"waiter\"");
      server.destroy();
      assertText(answer(waiter), 503, "ERROR: server shutting down");
    }
    assertTrue(server.waitFor(10, TimeUnit.SECONDS), "SIGTERM should stop the server within seconds");
    assertEquals(0, server.exitValue());
  }

  /**
   * With the JDK's timeouts cut to a second: a connection that never sends a request and one that
   * never finishes it are closed, while waiting requests, GET and POST with a body, which were
   * parked before them, are still answered when their turn comes.
   */
  @Test
  void idleAndSlowConnectionsAreClosedButWaitersWaitOn(@TempDir Path dir) throws Exception {
    String fastTimeouts =
        "-Dsun.net.httpserver.maxReqTime=1 -Dsun.net.httpserver.idleInterval=1 -Dsun.net.httpserver.clockTick=200";
    Process server = launcher.launchWith(List.of(), fastTimeouts, dir, "-c", config(dir, POOL).toString(), "-p", "0", "-b", "127.0.0.1");
    int port = Launcher.awaitListening(server).port();
    assertEquals("YES", Launcher.curl(url(port, "/get/?pool=p&host=holder")));
    try (RawHttpConnection getter = rawOpen(port, "GET", "/wait/?pool=p&host=w1", List.of(), null)) {
      awaitStatus(port, "\"waiters\":[{\"host\":\"w1\"");
      byte[] body = "ignored=1".getBytes(StandardCharsets.UTF_8);
      try (RawHttpConnection poster = rawOpen(port, "POST", "/wait/?pool=p&host=w2", List.of(), body)) {
        awaitStatus(port, "{\"host\":\"w2\"");
        try (Socket idle = new Socket("127.0.0.1", port);
            Socket slow = new Socket("127.0.0.1", port)) {
          slow.getOutputStream().write("GET /get/?pool=p&host=slow HTTP/1.1\r\nHost: x".getBytes(StandardCharsets.UTF_8));
          assertClosedByServer(idle);
          assertClosedByServer(slow);
        }
        // Both waiters were parked before those connections opened: they have waited longer.
        assertEquals("OK", Launcher.curl(url(port, "/release/?pool=p&host=holder")));
        assertYes(answer(getter));
        assertEquals("OK", Launcher.curl(url(port, "/release/?pool=p&host=w1")));
        assertYes(answer(poster));
      }
    }
  }

  @Test
  void servesHttpsWithAuthAndLogsItsSettingsButNoSecret(@TempDir Path dir) throws Exception {
    TestKeystore keystore = TestKeystore.create(dir);
    String auth = "auth:\n  secret: shared-s3cret\n  clients:\n    web1: web1-s3cret\n  admin: admin-s3cret\n";
    Path config = config(dir, keystore.yaml() + auth + POOL);
    Process server = launcher.launch(dir, "-c", config.toString(), "-p", "0", "-b", "127.0.0.1");
    Launcher.Listening listening = Launcher.awaitListening(server);
    assertEquals("https", listening.scheme());
    String summary =
        listening.before().stream().filter(line -> line.contains("distributex serving https://")).findFirst()
            .orElseThrow(() -> new AssertionError("no start-up summary in " + listening.before()));
    assertTrue(summary.contains("auth shared secret, clients web1, admin secret"), summary);
    assertTrue(summary.contains("tls keystore " + keystore.file()), summary);
    assertTrue(summary.contains("1 pools: p (maxlocks 1, expire 300 s)"), summary);
    for (String secret : List.of("shared-s3cret", "web1-s3cret", "admin-s3cret", keystore.password())) {
      assertFalse(String.join("\n", listening.before()).contains(secret), "a secret in the log: " + secret);
    }

    String base = "https://127.0.0.1:" + listening.port();
    assertEquals("INVALID: authentication required", Launcher.curl(base + "/get/?pool=p&host=me", "-k"));
    assertEquals("YES", Launcher.curl(base + "/get/?pool=p", "-k", "-u", "web1:web1-s3cret"));
    assertEquals("OK", Launcher.curl(base + "/health", "-k"));
    server.destroy();
    assertTrue(server.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, server.exitValue());
  }

  @Test
  void aKeystoreThatCannotBeReadIsStatus2(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.p12");
    String tls = "tls:\n  keystore: \"" + missing + "\"\n  password: secret-password\n";
    Process server = launcher.launch(dir, "-c", config(dir, tls + POOL).toString(), "-p", "0");
    assertTrue(server.waitFor(60, TimeUnit.SECONDS));
    String output = Launcher.read(server);
    assertEquals(2, server.exitValue(), output);
    assertTrue(output.contains("cannot read tls.keystore " + missing), output);
    assertFalse(output.contains("secret-password"), output);
  }

  private static final String POOL = "pools:\n  - name: p\n    expire: 300\n";

  private static Path config(Path dir, String yaml) throws IOException {
    return Files.writeString(dir.resolve("distributex-test.yaml"), yaml);
  }

  private static String url(int port, String target) {
    return "http://127.0.0.1:" + port + target;
  }

  /** Polls {@code /status} until it contains {@code fragment}. */
  private static void awaitStatus(int port, String fragment) {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest status = HttpRequest.newBuilder(URI.create(url(port, "/status"))).timeout(Duration.ofSeconds(10)).build();
    ServerTestSupport.awaitValue(
        "/status containing " + fragment,
        () -> {
          try {
            return client.send(status, HttpResponse.BodyHandlers.ofString()).body().contains(fragment);
          } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
          }
        },
        true);
  }

  /** The server must close {@code socket} (end of stream or reset) within {@link ServerTestSupport#SETTLE}. */
  private static void assertClosedByServer(Socket socket) throws IOException {
    socket.setSoTimeout((int) ServerTestSupport.SETTLE.toMillis());
    try {
      assertEquals(-1, socket.getInputStream().read(), "the server answered instead of closing");
    } catch (SocketException reset) {
      // Closed with a reset.
    } catch (SocketTimeoutException open) {
      throw new AssertionError("the server kept the connection open for " + ServerTestSupport.SETTLE, open);
    }
  }
}
