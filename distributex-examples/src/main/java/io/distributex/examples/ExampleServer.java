package io.distributex.examples;

import io.distributex.core.InMemoryBackend;
import io.distributex.core.Pool;
import io.distributex.server.DistributexServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The server the client examples talk to when no server URI is given on their command line: an
 * embedded one on a free loopback port with the pools {@code deploy} (a mutex), {@code builds}
 * (three slots) and {@code nightly-report} (a mutex that never expires by itself, for ShedLock,
 * whose {@code lockAtMostFor} is the hold's lease). Not part of what the examples show: with a real server, pass its URI instead.
 */
final class ExampleServer implements AutoCloseable {
  private final InMemoryBackend backend;
  private final DistributexServer server;

  private ExampleServer() {
    backend =
        InMemoryBackend.builder()
            .pools(
                List.of(
                    new Pool("deploy", Duration.ofMinutes(10), 1, Set.of(), false),
                    new Pool("builds", Duration.ofMinutes(10), 3, Set.of(), false),
                    new Pool("nightly-report", Duration.ZERO, 1, Set.of(), false)))
            .build();
    server = DistributexServer.builder().backend(backend).bind("127.0.0.1").port(0).start();
  }

  static ExampleServer start() {
    return new ExampleServer();
  }

  URI uri() {
    return server.uri();
  }

  @Override
  public void close() {
    server.close();
    backend.close();
  }
}
