package io.distributex.memcached;

import com.google.common.hash.Hashing;
import io.distributex.core.BackendUnavailableException;
import io.distributex.core.shared.SharedStore;
import io.distributex.core.shared.StoredValue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionFactoryBuilder.Locator;
import net.spy.memcached.ConnectionFactoryBuilder.Protocol;
import net.spy.memcached.ConnectionObserver;
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
final class MemcachedStore implements SharedStore {
  /** Memcached's default largest value is 1 MiB; a queue that would not fit is refused. */
  private static final int MAX_VALUE_BYTES = 900 * 1024;

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

  private static final long INCARNATION_FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long CONFLICT = -1;
  private static final long UNKNOWN_CAS = 0;

  private final MemcachedClient client;
  /** Which server holds a key: Spymemcached's consistent hashing, copied once (servers are fixed). */
  private final NodeLocator locator;
  private final int servers;
  private final CasConnections casConnections;
  /** Counts connection losses and reconnects: a cas id remembered before one is not reused. */
  private final AtomicLong connections = new AtomicLong();
  private final Map<SocketAddress, Incarnation> incarnations = new ConcurrentHashMap<>();

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
              connected.countDown();
            }

            @Override
            public void connectionLost(SocketAddress server) {
              connections.incrementAndGet();
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

  @Override
  public StoredValue read(String pool) {
    String key = key(pool);
    long connection = connections.get();
    CASValue<Object> value = guard(() -> client.gets(key));
    if (value == null) {
      return new Versioned(null, UNKNOWN_CAS, connection);
    }
    if (value.getCas() == 0) {
      throw casDisabled();
    }
    if (!(value.getValue() instanceof byte[] bytes)) {
      throw new BackendUnavailableException(
          "memcached holds a value Distributex did not write under " + key, null);
    }
    return new Versioned(bytes, value.getCas(), connection);
  }

  /**
   * An {@code add} when {@code read} found nothing, else a compare-and-set with its cas id; a cas
   * id of a connection that has changed since (memcached may have restarted behind it) is never
   * sent, and counts as a conflict.
   */
  @Override
  public Optional<StoredValue> write(String pool, StoredValue read, byte[] value) {
    String key = key(pool);
    Versioned from = (Versioned) read;
    long written;
    if (from.value() == null) {
      written = guard(() -> added(client.add(key, 0, value)));
    } else if (from.cas() == UNKNOWN_CAS || from.connection() != connections.get()) {
      return Optional.empty();
    } else {
      written = cas(key, from, value);
    }
    if (written == CONFLICT) {
      return Optional.empty();
    }
    return Optional.of(new Versioned(value, written, from.connection()));
  }

  /**
   * The process id and start time of the memcached that holds {@code pool}'s value, from its
   * {@code stats} ({@code pid}, {@code time - uptime}), asked at most twice a second: a restarted
   * memcached has forgotten every value.
   */
  @Override
  public Optional<String> incarnation(String pool) {
    SocketAddress server = locator.getPrimary(key(pool)).getSocketAddress();
    Incarnation known = incarnations.get(server);
    long now = System.nanoTime();
    if (known != null && now - known.askedAt() < INCARNATION_FRESH_NANOS) {
      return known.name();
    }
    // One stats round asks every memcached: keep every answer, not only this pool's.
    guard(client::getStats).forEach((node, stats) -> incarnations.put(node, new Incarnation(name(stats), now)));
    Incarnation asked = incarnations.get(server);
    return asked == null ? Optional.empty() : asked.name();
  }

  /** {@code pid@start}, from one memcached's stats; empty when they do not say. */
  private static Optional<String> name(Map<String, String> stats) {
    try {
      long started = Long.parseLong(stats.get("time")) - Long.parseLong(stats.get("uptime"));
      return stats.get("pid") == null ? Optional.empty() : Optional.of(stats.get("pid") + "@" + started);
    } catch (NumberFormatException missing) {
      return Optional.empty();
    }
  }

  /** What {@link #incarnation} learnt of one memcached, and when. */
  private record Incarnation(Optional<String> name, long askedAt) {}

  @Override
  public int maxValueBytes() {
    return MAX_VALUE_BYTES;
  }

  /** Throws {@link BackendUnavailableException} unless every memcached answers now. */
  @Override
  public void ping() {
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

  /** Writes the value if {@code read} is still current; returns its new cas id or CONFLICT. */
  private long cas(String key, Versioned read, byte[] value) {
    SocketAddress server = locator.getPrimary(key).getSocketAddress();
    CasConnection.Result result;
    try {
      result =
          casConnections.compareAndSet(
              (InetSocketAddress) server, key, read.cas(), value, read.connection());
    } catch (CasConnection.RefusedException refused) {
      throw new BackendUnavailableException("memcached: " + refused.getMessage(), refused);
    } catch (IOException failed) {
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
   * A value as memcached holds it: null when absent; its cas id ({@link #UNKNOWN_CAS} when
   * memcached did not say); and the count of connection changes before it was read.
   */
  private record Versioned(byte[] value, long cas, long connection) implements StoredValue {
    @Override
    public Optional<byte[]> bytes() {
      return Optional.ofNullable(value);
    }
  }
}
