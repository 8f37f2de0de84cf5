package io.distributex.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link CasConnection}s of one store, idle ones kept per memcached server. A write borrows
 * one for its round trip, so pools written at the same time each have their own connection
 * instead of queueing behind one: there are at most as many as writes ever ran at once on one
 * server (one per busy pool, bounded by the request and timer threads), and the most recently
 * used are used first, so the rest stay idle.
 */
final class CasConnections implements AutoCloseable {
  private final Map<InetSocketAddress, Deque<CasConnection>> idle = new ConcurrentHashMap<>();
  private final int timeoutMillis;
  private final AtomicLong connections;
  private volatile boolean closed;

  /** @param connections the store's count of connection changes (see {@link CasConnection}) */
  CasConnections(int timeoutMillis, AtomicLong connections) {
    this.timeoutMillis = timeoutMillis;
    this.connections = connections;
  }

  /** {@link CasConnection#compareAndSet} on a connection to {@code server} of its own. */
  CasConnection.Result compareAndSet(
      InetSocketAddress server, String key, long casId, byte[] value, long readUnder)
      throws IOException {
    Deque<CasConnection> free = idle.computeIfAbsent(server, address -> new ConcurrentLinkedDeque<>());
    CasConnection connection = free.pollFirst();
    if (connection == null) {
      connection = new CasConnection(server, timeoutMillis, connections);
    }
    try {
      return connection.compareAndSet(key, casId, value, readUnder);
    } finally {
      free.offerFirst(connection);
      if (closed) {
        close();
      }
    }
  }

  /** Closes the idle connections, and each busy one as it comes back. */
  @Override
  public void close() {
    closed = true;
    idle.values().forEach(free -> {
      for (CasConnection connection = free.pollFirst(); connection != null; connection = free.pollFirst()) {
        connection.close();
      }
    });
  }
}
