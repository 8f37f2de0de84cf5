package io.distributex.bench;

import io.distributex.server.DistributexServer;
import io.distributex.testing.MemcachedProcess;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers one JMH benchmark drives, started in its fork and stopped after it. Every
 * Distributex server has the same pools, no hold expiring: {@code p1}, a mutex, for handoffs;
 * {@code t}, {@value #SLOTS} slots, for pairs (nobody ever waits); {@code mutex}, a strict mutex,
 * for contention.
 *
 * <ul>
 *   <li>{@code in-memory}: one Distributex server with the in-memory backend; A and B are it.
 *   <li>{@code memcached}: two Distributex servers, A and B, with the memcache backend on one
 *       memcached: the one at the address given (the driver's), or one of the fork's own.
 *   <li>{@code bare}: a {@link BareServer} that answers {@code YES} to everything.
 * </ul>
 */
final class TestBed implements AutoCloseable {
  /** The slots of pool {@code t}: as many as clients of the throughput benchmark. */
  static final int SLOTS = 16;

  private static final String POOLS = "pools:\n"
      + "  - name: p1\n    maxlocks: 1\n    expire: 0\n"
      + "  - name: t\n    maxlocks: " + SLOTS + "\n    expire: 0\n"
      + "  - name: mutex\n    maxlocks: 1\n    expire: 0\n    strict: true\n";

  /** How to stop what was started: servers, and a memcached of the fork's own. */
  private final List<Runnable> stops = new ArrayList<>();
  private InetSocketAddress a;
  private InetSocketAddress b;
  private InetSocketAddress memcached;

  private TestBed() {}

  /**
   * Starts the servers of {@code kind} ({@code in-memory}, {@code memcached} or {@code bare}).
   *
   * @param memcachedAddress for {@code memcached}: {@code HOST:PORT} of a running memcached, or
   *     empty to start one
   */
  static TestBed start(String kind, String memcachedAddress) throws Exception {
    TestBed bed = new TestBed();
    try {
      switch (kind) {
        case "in-memory" -> bed.a = bed.b = bed.distributex(POOLS);
        case "memcached" -> {
          String hostAndPort = memcachedAddress;
          if (hostAndPort.isEmpty()) {
            MemcachedProcess own = MemcachedProcess.start();
            bed.stops.add(own::close);
            hostAndPort = own.hostAndPort();
          }
          int colon = hostAndPort.lastIndexOf(':');
          bed.memcached = new InetSocketAddress(hostAndPort.substring(0, colon),
              Integer.parseInt(hostAndPort.substring(colon + 1)));
          String yaml = memcachedYaml(hostAndPort);
          bed.a = bed.distributex(yaml);
          bed.b = bed.distributex(yaml);
        }
        case "bare" -> {
          BareServer bare = BareServer.start(BareServer.Mode.ANSWER);
          bed.stops.add(bare::close);
          bed.a = bed.b = bare.address();
        }
        default -> throw new IllegalArgumentException("no test bed '" + kind + "'");
      }
      return bed;
    } catch (Exception | Error e) {
      bed.close();
      throw e;
    }
  }

  /**
   * The configuration of a Distributex server with the test beds' pools, on the memcached at
   * {@code hostAndPort}.
   */
  static String memcachedYaml(String hostAndPort) {
    return "backend: memcache\nmemcache:\n  servers: [\"" + hostAndPort + "\"]\n" + POOLS;
  }

  /** Server A. */
  InetSocketAddress a() {
    return a;
  }

  /** Server B: A itself unless there are two. */
  InetSocketAddress b() {
    return b;
  }

  /** The memcached the {@code memcached} test bed uses. */
  InetSocketAddress memcached() {
    return memcached;
  }

  /** Stops everything started, the last first. */
  @Override
  public void close() {
    for (int i = stops.size() - 1; i >= 0; i--) {
      stops.get(i).run();
    }
    stops.clear();
  }

  private InetSocketAddress distributex(String yaml) throws Exception {
    DistributexServer server = Servers.distributex(yaml);
    stops.add(server::close);
    return Servers.address(server);
  }
}
