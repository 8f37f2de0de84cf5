package io.distributex.core;

import com.google.common.hash.Hashing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.ConnectionFactoryBuilder.Locator;
import net.spy.memcached.ConnectionFactoryBuilder.Protocol;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.internal.OperationFuture;

/**
 * Pool states in memcached, read with {@code gets} and written with {@code cas} (or {@code add}
 * when absent), so two servers can never both act on the same version. Every failure to reach
 * memcached becomes a {@link BackendUnavailableException}.
 *
 * <p>Spymemcached reads, adds, and watches the connections; the compare-and-set, the one write
 * of nearly every change, goes over a {@link CasConnection} to the same server, written and read
 * by the calling thread.
 *
 * <p>Servers are chosen by consistent hashing (ketama) and a server that is down fails the call
 * at once ({@link FailureMode#Cancel}, which also drops what was queued for it when the
 * connection broke) rather than moving its keys elsewhere: a pool whose state moved to
 * another node would start empty there and could grant its slots twice.
 */
final class MemcachedStore implements AutoCloseable {
  private static final int MAX_ATTEMPTS = 200;
  private static final SecureRandom EPOCHS = new SecureRandom();

  /** Held so the level set below sticks (java.util.logging keeps loggers weakly). */
  private static final Logger SPYMEMCACHED =
      Logger.getLogger("net.spy.memcached");

  static {
    // Spymemcached logs through its own stderr logger unless told to use java.util.logging, and
    // at INFO it logs every connection; keep its warnings unless the operator chose a level.
    if (System.getProperty("net.spy.log.LoggerImpl") == null) {
      System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SunLogger");
    }
    if (SPYMEMCACHED.getLevel() == null) {
      SPYMEMCACHED.setLevel(Level.WARNING);
    }
  }

  private static final long CONFLICT = -1;
  private static final long UNKNOWN_CAS = 0;

  private final MemcachedClient client;
  /** Which server holds a key: Spymemcached's consistent hashing, copied once (servers are fixed). */
  private final NodeLocator locator;
  private final int servers;
  private final Map<String, Versioned> lastWritten = new ConcurrentHashMap<>();
  private final CasConnections casConnections;
  /** Counts connection losses and reconnects: a cas id remembered before one is not reused. */
  private final AtomicLong connections = new AtomicLong();

  MemcachedStore(List<InetSocketAddress> servers, long operationTimeoutMillis) {
    this.servers = servers.size();
    this.casConnections = new CasConnections(Math.toIntExact(operationTimeoutMillis), connections);
    CountDownLatch connected = new CountDownLatch(servers.size());
    try {
      client =
          new MemcachedClient(
              new ConnectionFactoryBuilder()
                  .setProtocol(Protocol.BINARY)
                  .setLocatorType(Locator.CONSISTENT)
                  .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                  .setFailureMode(FailureMode.Cancel)
                  .setOpTimeout(operationTimeoutMillis)
                  .setMaxReconnectDelay(1)
                  .setDaemon(true)
                  .build(),
              servers);
      // After a reconnect memcached may have restarted, and cas ids restart with it.
      client.addObserver(
          new ConnectionObserver() {
            @Override
            public void connectionEstablished(SocketAddress server, int reconnectCount) {
              connections.incrementAndGet();
              lastWritten.clear();
              connected.countDown();
            }

            @Override
            public void connectionLost(SocketAddress server) {
              connections.incrementAndGet();
              lastWritten.clear();
              if (server instanceof InetSocketAddress address) {
                casConnections.closeIdle(address);
              }
            }
          });
      locator = client.getNodeLocator();
      // Calls before the first connection would fail; a memcached that is down costs a second.
      connected.await(operationTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (IOException cannotStart) {
      throw new BackendUnavailableException("cannot start the memcached client: " + cannotStart.getMessage(), cannotStart);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new BackendUnavailableException("interrupted while connecting to memcached", interrupted);
    }
  }

  /** The memcached key of a pool: names may hold spaces and 255 bytes, keys neither. */
  static String key(String pool) {
    return "distributex:pool:" + Hashing.sha256().hashString(pool, StandardCharsets.UTF_8);
  }

  /** The current state, or empty state with a new epoch when memcached holds none. */
  SharedPool read(String key) {
    Versioned current = readVersioned(key);
    return current.absent() ? SharedPool.empty(0) : current.state();
  }

  /**
   * Applies {@code change} to the current state until a compare-and-set succeeds, and returns
   * the result of the change that was written. A change that alters nothing writes nothing, and
   * is always computed from a fresh read.
   *
   * <p>The version this server wrote last, with the cas id memcached gave it, is remembered:
   * the next change starts from it and writes in one round trip instead of two; when someone else
   * wrote meanwhile, the cas fails and the change is computed again from a fresh read.
   */
  <T> Written<T> update(String key, Function<SharedPool, Proposal<T>> change) {
    Versioned current = lastWritten.remove(key);
    if (current != null && current.connection() != connections.get()) {
      current = null;
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      boolean fresh = current == null;
      if (fresh) {
        current = readVersioned(key);
      }
      SharedPool state = current.state();
      Proposal<T> proposal = change.apply(state);
      if (!proposal.changed()) {
        if (!fresh) {
          current = null;
          continue;
        }
        return new Written<>(state, proposal.result());
      }
      long written = current.absent() ? add(key, proposal.state()) : cas(key, current, proposal.state());
      if (written != CONFLICT) {
        if (written != UNKNOWN_CAS) {
          lastWritten.put(
              key, new Versioned(proposal.state(), written, false, current.connection()));
        }
        return new Written<>(proposal.state(), proposal.result());
      }
      current = null;
      if (!fresh) {
        continue;
      }
      backOff(attempt);
    }
    throw new BackendUnavailableException(
        "memcached: too much contention on one pool (" + MAX_ATTEMPTS + " conflicting writes)", null);
  }

  /** Throws {@link BackendUnavailableException} unless memcached answers now. */
  void ping() {
    // A server that did not answer may still be listed, with a status such as "cancelled".
    long answered =
        guard(client::getVersions).values().stream()
            .filter(version -> version != null && version.matches("\\d+\\..*"))
            .count();
    if (answered < servers) {
      throw new BackendUnavailableException(
          "memcached: " + (servers - answered) + " of " + servers + " servers do not answer", null);
    }
  }

  @Override
  public void close() {
    client.shutdown(1, TimeUnit.SECONDS);
    casConnections.close();
  }

  private CASValue<Object> gets(String key) {
    return guard(() -> client.gets(key));
  }

  private Versioned readVersioned(String key) {
    long connection = connections.get();
    CASValue<Object> value = gets(key);
    if (value == null) {
      return new Versioned(SharedPool.empty(newEpoch()), 0, true, connection);
    }
    if (value.getCas() == 0) {
      throw casDisabled();
    }
    if (!(value.getValue() instanceof byte[] bytes)) {
      throw new BackendUnavailableException(
          "memcached holds a value Distributex did not write under " + key, null);
    }
    try {
      return new Versioned(SharedPool.decode(bytes), value.getCas(), false, connection);
    } catch (IllegalArgumentException corrupt) {
      throw new BackendUnavailableException(
          "memcached holds a value Distributex cannot read under " + key + ": " + corrupt.getMessage(),
          corrupt);
    }
  }

  /** Adds the value; returns its cas id, or {@link #CONFLICT} when the key exists. */
  private long add(String key, SharedPool state) {
    return guard(() -> added(client.add(key, 0, state.encode())));
  }

  /** Writes the value if {@code read} is still current; returns its new cas id or CONFLICT. */
  private long cas(String key, Versioned read, SharedPool state) {
    SocketAddress server = locator.getPrimary(key).getSocketAddress();
    CasConnection.Result result;
    try {
      result =
          casConnections.compareAndSet(
              (InetSocketAddress) server, key, read.cas(), state.encode(), read.connection());
    } catch (CasConnection.RefusedException refused) {
      throw new BackendUnavailableException("memcached: " + refused.getMessage(), refused);
    } catch (IOException failed) {
      // Memcached may have restarted behind this connection: forget the cas ids it gave.
      lastWritten.clear();
      throw new BackendUnavailableException("memcached: " + describe(failed), failed);
    }
    if (result.outcome() == CasConnection.Outcome.CONFLICT) {
      return CONFLICT;
    }
    if (result.cas() == 0) {
      throw casDisabled();
    }
    return result.cas();
  }

  /** The cas id of what an {@code add} stored, or {@link #CONFLICT} when the key existed. */
  private long added(OperationFuture<Boolean> operation) throws Exception {
    if (!Boolean.TRUE.equals(operation.get(client.getOperationTimeout(), TimeUnit.MILLISECONDS))) {
      return CONFLICT;
    }
    Long cas;
    try {
      cas = operation.getCas();
    } catch (UnsupportedOperationException noCas) {
      return UNKNOWN_CAS;
    }
    if (cas != null && cas == 0) {
      throw casDisabled();
    }
    return cas == null ? UNKNOWN_CAS : cas;
  }

  /** A cas of 0 means "no check": every write would overwrite whatever is there. */
  private static BackendUnavailableException casDisabled() {
    return new BackendUnavailableException(
        "memcached runs with CAS disabled (-C): Distributex cannot use it", null);
  }

  private static long newEpoch() {
    long epoch;
    do {
      epoch = EPOCHS.nextLong();
    } while (epoch == 0);
    return epoch;
  }

  private static void backOff(int attempt) {
    if (attempt > 2) {
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1, 250_000) * Math.min(attempt, 8));
    }
  }

  private interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T guard(Call<T> call) {
    try {
      return call.call();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new BackendUnavailableException("interrupted while talking to memcached", interrupted);
    } catch (BackendUnavailableException unavailable) {
      throw unavailable;
    } catch (Exception unreachable) {
      throw new BackendUnavailableException("memcached: " + describe(unreachable), unreachable);
    }
  }

  private static String describe(Exception failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  /**
   * A version of a pool's state and its cas id; {@code absent} when memcached holds none;
   * {@code connection} counts the connection changes before it was read.
   */
  private record Versioned(SharedPool state, long cas, boolean absent, long connection) {}

  /** What a change proposes: the new state, whether it differs, and what the caller learns. */
  record Proposal<T>(SharedPool state, boolean changed, T result) {}

  /** The state that is now stored and the result of the change that produced it. */
  record Written<T>(SharedPool state, T result) {}
}
