package io.distributex.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.DistributexServer;
import io.distributex.testing.TestKeystore;
import io.distributex.server.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client over HTTPS, trusting a given trust store. */
@Timeout(60)
class TlsTest {
  /** The client builder every test starts from: {@link PlainSocketsTest} runs them over plain sockets. */
  DistributexClient.Builder builder() {
    return DistributexClient.builder();
  }

  @Test
  void aClientTrustingTheServersCertificateTakesLocksOverHttps(@TempDir Path dir) throws Exception {
    TestKeystore keystore = TestKeystore.create(dir);
    String yaml = keystore.yaml() + "pools:\n  - name: p\n    expire: 60\n";
    try (DistributexServer server =
            DistributexServer.builder()
                .config(ConfigLoader.parse(yaml, "tls.yaml"))
                .bind("127.0.0.1")
                .port(0)
                .start();
        DistributexClient trusting =
            builder()
                .server(URI.create("https://localhost:" + server.address().getPort() + "/"))
                .trustStore(keystore.trusted())
                .build();
        DistributexClient untrusting =
            builder()
                .server(URI.create("https://localhost:" + server.address().getPort() + "/"))
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
      try (DistributedLock lock = trusting.lock("p")) {
        assertTrue(lock.isHeld());
        assertTrue(lock.token() > 0);
      }
      assertThrows(DistributexException.class, () -> untrusting.tryLock("p"));
    }
  }
}
