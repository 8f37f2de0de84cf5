package io.distributex.server.config;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import io.distributex.core.Names;
import io.distributex.core.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server is configured with: where it listens, where it keeps its locks, who may
 * call it, and its pools. Built by {@link ConfigLoader} from a YAML file, or {@link #defaults()}
 * when there is none; immutable and valid once built.
 *
 * @param port the TCP port to listen on; 0 picks a free one
 * @param bind the address to listen on
 * @param maxWaiters how many waiting requests the server holds at once, over all pools
 * @param backend where the locks are kept
 * @param memcacheServers the memcached servers; always at least one (used only by the memcache
 *     backend)
 * @param memcacheRestoreWindow how long a pool whose value memcached lost grants nothing, so that
 *     its holders can renew their holds back
 * @param etcd the etcd cluster; present when the backend is etcd
 * @param auth the accepted secrets; empty: every call is open
 * @param tls the keystore to serve HTTPS with; empty: plain HTTP
 * @param journal the in-memory backend's journal file; empty: nothing survives a restart
 * @param pools the pools, in file order; at least one, names unique
 */
public record DistributexConfig(
    int port,
    String bind,
    int maxWaiters,
    BackendKind backend,
    List<MemcacheAddress> memcacheServers,
    Duration memcacheRestoreWindow,
    Optional<EtcdConfig> etcd,
    Optional<AuthConfig> auth,
    Optional<TlsConfig> tls,
    Optional<Path> journal,
    List<Pool> pools) {
  /** The port of 0.7 and of every Distributex example. */
  public static final int DEFAULT_PORT = 9889;

  /** Every interface. */
  public static final String DEFAULT_BIND = "0.0.0.0";

  /** Enough waiters for a large build farm, few enough to bound the memory they take. */
  public static final int DEFAULT_MAX_WAITERS = 10_000;

  /** A memcached on this machine, at its standard port. */
  public static final MemcacheAddress DEFAULT_MEMCACHE =
      new MemcacheAddress("localhost", MemcacheAddress.DEFAULT_PORT);

  /**
   * Two renewal intervals of the Java client and the command, whose default lease (15 s) they renew
   * every third of.
   */
  public static final Duration DEFAULT_RESTORE_WINDOW = Duration.ofSeconds(10);

  public DistributexConfig {
    checkArgument(port >= 0 && port <= 65535, "port must be 0 to 65535 (got %s)", port);
    Names.check("bind address", bind);
    checkArgument(maxWaiters >= 1, "maxwaiters must be at least 1 (got %s)", maxWaiters);
    requireNonNull(backend, "backend");
    memcacheServers = ImmutableList.copyOf(memcacheServers);
    checkArgument(!memcacheServers.isEmpty(), "at least one memcache server is required");
    checkArgument(!memcacheRestoreWindow.isNegative(), "the restore window must not be negative");
    checkArgument(backend != BackendKind.ETCD || etcd.isPresent(), "backend etcd needs its endpoints");
    requireNonNull(auth, "auth");
    requireNonNull(tls, "tls");
    requireNonNull(journal, "journal");
    pools = ImmutableList.copyOf(pools);
    checkArgument(!pools.isEmpty(), "at least one pool is required");
    Set<String> names = new HashSet<>();
    for (Pool pool : pools) {
      checkArgument(names.add(pool.name()), "duplicate pool '%s'", pool.name());
    }
  }

  /**
   * The configuration without a file: in-memory locks, one mutex pool named {@code default} (expire
   * 1800 s, open to every host), port {@value #DEFAULT_PORT} on every interface.
   */
  public static DistributexConfig defaults() {
    return new DistributexConfig(
        DEFAULT_PORT,
        DEFAULT_BIND,
        DEFAULT_MAX_WAITERS,
        BackendKind.INMEMORY,
        List.of(DEFAULT_MEMCACHE),
        DEFAULT_RESTORE_WINDOW,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(Pool.mutex("default")));
  }

  /** This configuration listening on {@code port} instead (the server's {@code -p}). */
  public DistributexConfig withPort(int port) {
    return new DistributexConfig(
        port, bind, maxWaiters, backend, memcacheServers, memcacheRestoreWindow, etcd, auth, tls, journal, pools);
  }

  /** This configuration listening on {@code bind} instead (the server's {@code -b}). */
  public DistributexConfig withBind(String bind) {
    return new DistributexConfig(
        port, bind, maxWaiters, backend, memcacheServers, memcacheRestoreWindow, etcd, auth, tls, journal, pools);
  }

  /** The pool named {@code name}, if there is one. */
  public Optional<Pool> pool(String name) {
    return pools.stream().filter(pool -> pool.name().equals(name)).findFirst();
  }
}
