package io.distributex.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class whose every test gets a fresh server on 127.0.0.1 (see {@link
 * ServerTestSupport#start(String)}), closed after the test. A subclass's own {@code @BeforeEach}
 * methods run once the server is up, its {@code @AfterEach} methods before it is closed.
 */
abstract class ServerTestBase {
  private final String yaml;
  /** The server of the running test. */
  DistributexServer server;

  /** Serves every pool kind of {@link ServerTestSupport#POOLS_YAML}. */
  ServerTestBase() {
    this(ServerTestSupport.POOLS_YAML);
  }

  /** Serves the configuration {@code yaml}. */
  ServerTestBase(String yaml) {
    this.yaml = yaml;
  }

  @BeforeEach
  final void startServer() {
    server = ServerTestSupport.start(yaml);
  }

  @AfterEach
  final void stopServer() {
    server.close();
  }
}
