package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static java.nio.charset.StandardCharsets.UTF_8;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.TestKeystore;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tls}: HTTPS with the configured keystore, and a clear refusal to start without it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {
  private static final String POOLS = "pools:\n  - name: p1\n    expire: 300\n";

  @TempDir static Path dir;
  private static TestKeystore keystore;

  @BeforeAll
  static void makeKeystore() throws Exception {
    keystore = TestKeystore.create(dir);
  }

  @Test
  void servesTheLockCallsOverHttpsToAClientThatTrustsTheCertificate() throws Exception {
    try (DistributexServer server = ServerTestSupport.start(keystore.yaml() + POOLS)) {
      assertEquals("https", server.uri().getScheme());
      HttpClient https = keystore.client();
      long token = assertYes(await(ServerTestSupport.async(https, server, "GET", "/get/?pool=p1&host=me")));
      assertText(await(ServerTestSupport.async(https, server, "POST", "/validate?pool=p1&token=" + token)), 200, "YES");
      Reply status = await(ServerTestSupport.async(https, server, "GET", "/status"));
      assertTrue(status.body().contains("\"host\":\"me\""), status::toString);
      assertText(await(ServerTestSupport.async(https, server, "GET", "/release/?pool=p1&host=me")), 200, "OK");
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsNotServed() throws Exception {
    try (DistributexServer server = ServerTestSupport.start(keystore.yaml() + POOLS)) {
      HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () -> ServerTestSupport.async(untrusting, server, "GET", "/get/?pool=p1&host=me").get(10, TimeUnit.SECONDS));
      assertTrue(refused.getCause() instanceof SSLHandshakeException, refused::toString);
      assertNoHolders(server);
    }
  }

  @Test
  void plainHttpToTheHttpsPortIsCutOffAndHarmsNothing() throws Exception {
    try (DistributexServer server = ServerTestSupport.start(keystore.yaml() + POOLS)) {
      try (Socket plain = new Socket("127.0.0.1", server.address().getPort())) {
        plain.setSoTimeout(10_000);
        plain.getOutputStream().write("GET /get/?pool=p1&host=me HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
        assertTrue(cutOff(plain), "the server should close a connection that does not speak TLS");
      }
      assertNoHolders(server);
      HttpClient https = keystore.client();
      assertYes(await(ServerTestSupport.async(https, server, "GET", "/get/?pool=p1&host=other")));
    }
  }

  @Test
  void aKeystoreThatCannotBeReadStopsTheServerFromStarting() throws IOException {
    String wrongPassword = "tls:\n  keystore: \"" + keystore.file() + "\"\n  password: wrong\n" + POOLS;
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> ServerTestSupport.start(wrongPassword));
    assertTrue(refused.getMessage().startsWith("cannot read tls.keystore " + keystore.file()), refused::getMessage);

    Path missing = dir.resolve("missing.p12");
    String absent = "tls:\n  keystore: \"" + missing + "\"\n  password: x\n" + POOLS;
    refused = assertThrows(IllegalStateException.class, () -> ServerTestSupport.start(absent));
    assertTrue(refused.getMessage().contains(missing.toString()), refused::getMessage);

    Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a keystore");
    String unreadable = "tls:\n  keystore: \"" + garbage + "\"\n  password: x\n" + POOLS;
    assertThrows(IllegalStateException.class, () -> ServerTestSupport.start(unreadable));
  }

  private static void assertNoHolders(DistributexServer server) throws Exception {
    Reply status = await(ServerTestSupport.async(keystore.client(), server, "GET", "/status"));
    assertTrue(status.body().contains("\"holders\":[]"), status::toString);
  }

  /** Whether the peer closed the connection (end of stream or reset) rather than answer. */
  private static boolean cutOff(Socket socket) throws IOException {
    try {
      byte[] buffer = new byte[4096];
      for (int n = socket.getInputStream().read(buffer); n >= 0; n = socket.getInputStream().read(buffer)) {
        if (new String(buffer, 0, n, UTF_8).startsWith("HTTP/")) {
          return false;
        }
      }
      return true;
    } catch (SocketException reset) {
      return true;
    }
  }
}
