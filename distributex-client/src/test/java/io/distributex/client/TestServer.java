package io.distributex.client;

import static org.junit.jupiter.api.Assertions.fail;

import io.distributex.core.Grant;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Waiter;
import io.distributex.server.DistributexServer;
import io.distributex.server.config.ConfigLoader;
import io.distributex.server.config.DistributexConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** An embedded Distributex server on a free loopback port, with the pools the tests use. */
public final class TestServer implements AutoCloseable {
  /** How long any test waits for something that should happen soon; generous for slow machines. */
  public static final Duration PATIENCE = Duration.ofSeconds(15);

  private static final String CONFIG =
      String.join(
          "\n",
          "pools:",
          "  - name: mutex",
          "    expire: 60",
          "  - name: other",
          "    expire: 60",
          "  - name: sem",
          "    expire: 60",
          "    maxlocks: 3",
          "  - name: guarded",
          "    servers: [ allowed-host ]",
          "  - name: brief",
          "    expire: 2",
          "  - name: strict",
          "    expire: 60",
          "    strict: true",
          "");

  private DistributexServer server;
  private final int port;

  private TestServer(DistributexServer server) {
    this.server = server;
    this.port = server.address().getPort();
  }

  public static TestServer start() {
    return new TestServer(startOn(0));
  }

  private static DistributexServer startOn(int port) {
    try {
      DistributexConfig config = ConfigLoader.parse(CONFIG, "client-test.yaml");
      return DistributexServer.builder().config(config).bind("127.0.0.1").port(port).start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** A client builder aimed at this server. */
  public DistributexClient.Builder client() {
    return DistributexClient.builder().server(uri());
  }

  /** Stops the server and starts a new one, with empty pools, on the same port. */
  public void restart() {
    server.close();
    server = startOn(port);
  }

  /** Stops the server for good. */
  @Override
  public void close() {
    server.close();
  }

  public List<String> waiters(String pool) {
    return snapshot(pool).waiters().stream().map(Waiter::host).collect(Collectors.toList());
  }

  public List<String> holders(String pool) {
    return snapshot(pool).holders().stream().map(Grant::host).collect(Collectors.toList());
  }

  public List<Long> tokens(String pool) {
    return snapshot(pool).holders().stream().map(Grant::token).collect(Collectors.toList());
  }

  private PoolSnapshot snapshot(String pool) {
    return server.backend().snapshot().stream()
        .filter(snapshot -> snapshot.pool().name().equals(pool))
        .findFirst()
        .orElseThrow();
  }

  /** Waits, bounded by {@link #PATIENCE}, until {@code condition} holds. */
  public static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - until > 0) {
        fail("not within " + PATIENCE.toSeconds() + " s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
