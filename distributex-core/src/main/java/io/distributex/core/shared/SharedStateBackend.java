package io.distributex.core.shared;

import io.distributex.core.spi.BackendSettings;
import io.distributex.core.spi.PooledBackend;
import io.distributex.core.spi.WaiterLimit;
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
 * A backend whose pools live in a {@link SharedStore}, so that any number of Distributex servers
 * sharing the store behave as one: one value per pool holds its holders, its FIFO queue (of all
 * servers) and its last token, and every change is a compare-and-set on it, so two servers can
 * never both grant the last slot. Waiters on this server are answered at once when this server
 * frees a slot, and within one poll interval when another server does (at once when the store
 * watches, see {@link SharedStore#watch}). A store implements
 * {@link SharedStore}; its backend extends this class.
 */
public abstract class SharedStateBackend extends PooledBackend {
  /** How long {@link #close} tries to take this server's waiters out of the shared queues. */
  private static final Duration LEAVING = Duration.ofSeconds(1);

  private final List<SharedStatePool> pools;
  private final SharedStore store;
  private final ExecutorService ownIo;

  /**
   * @param io where polls and deadlines talk to the store; null for two threads of the backend's
   *     own (tests run them in the timer's thread)
   */
  protected SharedStateBackend(
      SharedStore store, BackendSettings settings, SharedTiming timing, Executor io) {
    this(store, settings, timing, io, io == null ? newIoExecutor() : null);
  }

  private SharedStateBackend(
      SharedStore store,
      BackendSettings settings,
      SharedTiming timing,
      Executor io,
      ExecutorService ownIo) {
    this(store, pools(store, settings, timing, io == null ? ownIo : io), ownIo);
  }

  private SharedStateBackend(
      SharedStore store, List<SharedStatePool> pools, ExecutorService ownIo) {
    super(pools);
    this.pools = pools;
    pools.forEach(SharedStatePool::startRereading);
    this.store = store;
    this.ownIo = ownIo;
    pools.forEach(pool -> store.watch(pool.pool().name(), pool::changedElsewhere));
  }

  @Override
  public void checkHealth() {
    store.ping();
  }

  /**
   * Fails every waiting acquire at once, then tries for at most a second, every pool at the same
   * time, to take this server's places out of the shared queues (and give back grants to them
   * that nobody was told of); whatever the store does, closing ends within about two seconds.
   * Places it could not take out are dropped by the other servers once they go stale.
   */
  @Override
  public void close() {
    super.close();
    List<Thread> leaving = new ArrayList<>();
    for (SharedStatePool pool : pools) {
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

  private static List<SharedStatePool> pools(
      SharedStore store, BackendSettings settings, SharedTiming timing, Executor io) {
    byte[] id = new byte[6];
    new SecureRandom().nextBytes(id);
    String server = HexFormat.of().formatHex(id);
    WaiterLimit waiterLimit = new WaiterLimit(settings.maxWaiters());
    PoolValues values = new PoolValues(store);
    return settings.pools().stream()
        .map(
            pool ->
                new SharedStatePool(
                    pool,
                    values,
                    store.maxValueBytes(),
                    settings.time(),
                    server,
                    waiterLimit,
                    timing,
                    settings.listener(),
                    io))
        .toList();
  }

  private static ExecutorService newIoExecutor() {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        2,
        task -> {
          Thread thread = new Thread(task, "distributex-store-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }
}
