package io.distributex.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend that keeps every pool in memcached, so that any number of Distributex servers
 * sharing it behave as one: one value per pool holds its holders, its FIFO queue (of all servers)
 * and its last token, and every change is a compare-and-set on it, so two servers can never both
 * grant the last slot. Waiters on this server are answered at once when this server frees a slot,
 * and within one poll interval (10 ms by default) when another server does.
 *
 * <p>What memcached does not give: it neither replicates nor persists. When it restarts or evicts
 * a pool's value, the holds and queue in it are gone (holders learn it when their renewal is
 * refused; this server's waiters queue again); tokens then restart from the clock, still above
 * every earlier token unless the servers' clocks differ by more than the time since the last grant.
 * Run memcached with {@code -M} so it never evicts.
 */
public final class MemcachedBackend extends PooledBackend {
  /** Memcached's default largest value is 1 MiB; a queue that would not fit is refused. */
  static final int MAX_VALUE_BYTES = 900 * 1024;

  /** How long {@link #close} tries to take this server's waiters out of the shared queues. */
  private static final Duration LEAVING = Duration.ofSeconds(1);

  private final List<MemcachedPool> pools;
  private final MemcachedStore store;
  private final ExecutorService ownIo;

  private MemcachedBackend(List<MemcachedPool> pools, MemcachedStore store, ExecutorService ownIo) {
    super(pools);
    this.pools = pools;
    this.store = store;
    this.ownIo = ownIo;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void checkHealth() {
    store.ping();
  }

  /**
   * Fails every waiting acquire at once, then tries for at most a second, every pool at the same
   * time, to take this server's places out of the shared queues (and give back grants to them
   * that nobody was told of); whatever memcached does, closing ends within about two seconds.
   * Places it could not take out are dropped by the other servers once they go stale.
   */
  @Override
  public void close() {
    super.close();
    List<Thread> leaving = new ArrayList<>();
    for (MemcachedPool pool : pools) {
      if (pool.hasAbandonedWaits()) {
        Thread thread = new Thread(pool::leaveAbandoned, "distributex-leave-" + pool.pool().name());
        thread.setDaemon(true);
        thread.start();
        leaving.add(thread);
      }
    }
    long deadline = System.nanoTime() + LEAVING.toNanos();
    try {
      for (Thread thread : leaving) {
        TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    if (ownIo != null) {
      ownIo.shutdownNow();
    }
    store.close();
  }

  private static ExecutorService newIoExecutor() {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        2,
        task -> {
          Thread thread = new Thread(task, "distributex-memcached-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * How often this server looks at memcached and how long others wait for it.
   *
   * @param pollMs how often a server with waiters reads its pools, for grants made elsewhere
   * @param staleAfterMs how long a queue place lasts unless its server renews it (a server renews
   *     its places after a quarter of it), so the places of a dead server are dropped
   * @param confirmWithinMs how long a grant to another server's waiter waits for that server to
   *     take delivery before the slot is taken back
   */
  record Timing(long pollMs, long staleAfterMs, long confirmWithinMs) {
    static final Timing DEFAULT = new Timing(10, 10_000, 5_000);
  }

  /** Settings of a {@link MemcachedBackend}: the memcached servers and the pools are required. */
  public static final class Builder extends BackendBuilder<Builder> {
    private List<InetSocketAddress> servers = List.of();
    private Duration operationTimeout = Duration.ofSeconds(1);
    private Timing timing = Timing.DEFAULT;
    private Executor io;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** Where polls and deadlines talk to memcached; tests run them in the timer's thread. */
    Builder ioExecutor(Executor io) {
      this.io = io;
      return this;
    }

    /** The memcached servers; several are used by consistent hashing (each pool on one). */
    public Builder servers(List<InetSocketAddress> servers) {
      this.servers = List.copyOf(servers);
      return this;
    }

    /** How long one memcached operation may take before the call fails; 1 s by default. */
    public Builder operationTimeout(Duration timeout) {
      checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
      this.operationTimeout = timeout;
      return this;
    }

    /**
     * How often a server with waiters polls (default 10 ms), and how long a dead server's queue
     * places (default 10 s) and undelivered grants (default 5 s) last.
     */
    public Builder timing(Duration poll, Duration staleAfter, Duration confirmWithin) {
      checkArgument(poll.toMillis() >= 1, "poll must be at least 1 ms");
      checkArgument(staleAfter.compareTo(poll.multipliedBy(4)) >= 0, "staleAfter must be at least 4 polls");
      checkArgument(confirmWithin.compareTo(poll.multipliedBy(4)) >= 0, "confirmWithin must be at least 4 polls");
      this.timing = new Timing(poll.toMillis(), staleAfter.toMillis(), confirmWithin.toMillis());
      return this;
    }

    public MemcachedBackend build() {
      checkArgument(!servers.isEmpty(), "at least one memcached server is required");
      checkArgument(!pools.isEmpty(), "at least one pool is required");
      MemcachedStore store = new MemcachedStore(servers, operationTimeout.toMillis());
      byte[] id = new byte[6];
      new SecureRandom().nextBytes(id);
      String server = HexFormat.of().formatHex(id);
      WaiterLimit waiterLimit = new WaiterLimit(maxWaiters);
      // Polls, expiries and timeouts talk to memcached on threads of their own, never on the
      // time source's one thread, which every pool and backend of the JVM shares.
      ExecutorService ownIo = io == null ? newIoExecutor() : null;
      Executor pollsOn = io == null ? ownIo : io;
      return new MemcachedBackend(
          pools.stream()
              .map(
                  pool ->
                      new MemcachedPool(
                          pool, store, time, server, waiterLimit, timing, listener, pollsOn))
              .toList(),
          store,
          ownIo);
    }
  }
}
