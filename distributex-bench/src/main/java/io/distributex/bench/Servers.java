package io.distributex.bench;

import io.distributex.server.DistributexServer;
import io.distributex.server.config.ConfigException;
import io.distributex.server.config.ConfigLoader;
import io.distributex.server.config.DistributexConfig;
import java.net.InetSocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starting Distributex servers for the measures: from YAML text, on 127.0.0.1 at a free port.
 * Also prepares the JVM for servers ({@link #prepare}), in the driver, in each JMH fork and in
 * each child.
 */
final class Servers {
  /** Where every server of the benchmark listens: loopback only. */
  static final String LOOPBACK = "127.0.0.1";

  /** The waiters measure's semaphore of {@code maxwaiters} slots, for the mass release. */
  static final String MASS_POOL = "mass";

  /** Held so the level sticks: the servers' INFO lines would interleave with the figures. */
  private static final Logger SERVER_LOG = Logger.getLogger("io.distributex");

  private Servers() {}

  /**
   * Prepares this JVM before its first {@code HttpServer}: initialises {@link DistributexServer},
   * whose static block sets {@code sun.net.httpserver.nodelay=true} (read once, by the first
   * server, bare ones included), and keeps the servers' log to warnings.
   */
  static void prepare() {
    try {
      Class.forName(DistributexServer.class.getName(), true, Servers.class.getClassLoader());
    } catch (ClassNotFoundException impossible) {
      throw new IllegalStateException(impossible);
    }
    if (!"true".equals(System.getProperty("sun.net.httpserver.nodelay"))) {
      throw new IllegalStateException("sun.net.httpserver.nodelay is not true: "
          + System.getProperty("sun.net.httpserver.nodelay"));
    }
    SERVER_LOG.setLevel(Level.WARNING);
  }

  /** Starts a Distributex server configured by {@code yaml} on 127.0.0.1, a free port. */
  static DistributexServer distributex(String yaml) throws ConfigException {
    prepare();
    DistributexConfig config = ConfigLoader.parse(yaml, "bench.yaml");
    return DistributexServer.builder().config(config).bind(LOOPBACK).port(0).start();
  }

  /** Where to connect to {@code server}. */
  static InetSocketAddress address(DistributexServer server) {
    return new InetSocketAddress(LOOPBACK, server.address().getPort());
  }

  /**
   * The waiters measure's server: pools {@code held} and {@code other} (mutexes), and {@link
   * #MASS_POOL} (as many slots as waiters); no hold expires.
   */
  static String waitersYaml(int maxWaiters) {
    return "maxwaiters: " + maxWaiters + "\n"
        + "pools:\n"
        + "  - name: held\n"
        + "    maxlocks: 1\n"
        + "    expire: 0\n"
        + "  - name: other\n"
        + "    maxlocks: 1\n"
        + "    expire: 0\n"
        + "  - name: " + MASS_POOL + "\n"
        + "    maxlocks: " + maxWaiters + "\n"
        + "    expire: 0\n";
  }
}
