package io.distributex.shedlock;

import io.distributex.client.DistributexClient;
import io.distributex.core.Grant;
import io.distributex.core.InMemoryBackend;
import io.distributex.core.Pool;
import io.distributex.server.DistributexServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An embedded Distributex server on a free loopback port with mutex pools of the given names that
 * never expire by themselves (each lock's {@code lockAtMostFor} is its lease), and a client of it.
 */
final class EmbeddedServer implements AutoCloseable {
  private final InMemoryBackend backend;
  private final DistributexServer server;
  private final DistributexClient client;

  EmbeddedServer(String... pools) {
    backend =
        InMemoryBackend.builder()
            .pools(List.of(pools).stream().map(name -> new Pool(name, Duration.ZERO, 1, Set.of(), false)).collect(Collectors.toList()))
            .build();
    server = DistributexServer.builder().backend(backend).bind("127.0.0.1").port(0).start();
    client = newClient();
  }

  /** The client the tests' provider uses. */
  DistributexClient client() {
    return client;
  }

  /** Another client of this server, as another node of the cluster would have; close it. */
  DistributexClient newClient() {
    return DistributexClient.builder().server(server.uri()).build();
  }

  /**
   * Whether some hold of {@code pool} is in force now: granted and its deadline not passed. As for
   * ShedLock's stores, a hold past its deadline counts as unlocked even before the server's expiry
   * timer has removed it.
   */
  boolean isLocked(String pool) {
    Instant now = Instant.now();
    return holders(pool).stream().anyMatch(grant -> grant.expires().map(now::isBefore).orElse(true));
  }

  List<Grant> holders(String pool) {
    return backend.snapshot().stream()
        .filter(snapshot -> snapshot.pool().name().equals(pool))
        .findFirst()
        .orElseThrow()
        .holders();
  }

  @Override
  public void close() {
    client.close();
    server.close();
    backend.close();
  }
}
