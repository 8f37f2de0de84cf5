package io.distributex.examples;

import io.distributex.client.DistributedLock;
import io.distributex.client.DistributexClient;
import io.distributex.server.DistributexServer;
import io.distributex.server.config.ConfigException;
import io.distributex.server.config.ConfigLoader;
import java.time.Duration;

/**
 * A lock server and its client in one JVM, for a single service that wants fenced, leased locks
 * between its own instances now and a shared server later, or for tests of code that takes
 * Distributex locks: the server is configured from YAML text, listens on a free loopback port,
 * and the client speaks real HTTP to it.
 *
 * <p>Run: {@code java -cp ... io.distributex.examples.EmbeddedServerAndClientExample}
 */
public final class EmbeddedServerAndClientExample {
  private EmbeddedServerAndClientExample() {}

  public static void main(String[] args) throws ConfigException, InterruptedException {
    String yaml = String.join("\n", "pools:", "  - name: reports", "    expire: 60", "");
    try (DistributexServer server =
            DistributexServer.builder()
                .config(ConfigLoader.parse(yaml, "embedded.yaml"))
                .bind("127.0.0.1")
                .port(0)
                .start();
        DistributexClient client =
            DistributexClient.builder().server(server.uri()).lease(Duration.ofSeconds(5)).build()) {
      System.out.println("server at " + server.uri());
      try (DistributedLock lock = client.lock("reports")) {
        System.out.println("client holds reports, token " + lock.token() + ", until " + lock.expiresAt().orElseThrow());
        System.out.println("holders seen by the server: " + server.backend().snapshot().get(0).holders().size());
      }
      System.out.println("holders after release: " + server.backend().snapshot().get(0).holders().size());
    }
  }
}
