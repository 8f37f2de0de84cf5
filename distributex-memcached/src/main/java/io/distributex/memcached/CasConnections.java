package io.distributex.memcached;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link CasConnection}s of one store, idle ones kept per memcached server. A write borrows
 * one for its round trip, so pools written at the same time each have their own connection
 * instead of queueing behind one: there are at most as many as writes ever ran at once on one
 * server (one per busy pool, bounded by the request and timer threads), and the most recently
 * used are used first, so the rest stay idle. Idle ones are closed after a minute unused (a
 * firewall may have dropped them), and all idle ones to a server are closed when a connection to
 * it fails or Spymemcached loses it: they are most likely dead too.
 */
final class CasConnections implements AutoCloseable {
  private static final long IDLE_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(1);

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
    } catch (CasConnection.RefusedException refused) {
      throw refused;
    } catch (IOException failed) {
      closeIdle(server);
      throw failed;
    } finally {
      free.offerFirst(connection);
      closeLongIdle(free);
      if (closed) {
        close();
      }
    }
  }

  /** Closes the idle connections to {@code server}; the next write opens a new one. */
  void closeIdle(InetSocketAddress server) {
    Deque<CasConnection> free = idle.get(server);
    if (free != null) {
      closeAll(free);
    }
  }

  /** How many idle connections to {@code server} are open (for tests). */
  int openIdle(InetSocketAddress server) {
    Deque<CasConnection> free = idle.get(server);
    return free == null ? 0 : (int) free.stream().filter(CasConnection::isOpen).count();
  }

  /** Closes the idle connections, and each busy one as it comes back. */
  @Override
  public void close() {
    closed = true;
    idle.values().forEach(CasConnections::closeAll);
  }

  private static void closeAll(Deque<CasConnection> free) {
    for (CasConnection connection = free.pollFirst(); connection != null; connection = free.pollFirst()) {
      connection.close();
    }
  }

  /** Closes the least recently used connection when it has not been used for a while. */
  private static void closeLongIdle(Deque<CasConnection> free) {
    CasConnection oldest = free.peekLast();
    if (oldest != null
        && oldest.idleNanos(System.nanoTime()) > IDLE_LIMIT_NANOS
        && free.removeLastOccurrence(oldest)) {
      oldest.close();
    }
  }
}
