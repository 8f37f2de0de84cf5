package io.distributex.memcached;

import static com.google.common.base.Preconditions.checkArgument;

import io.distributex.core.shared.SharedStateBackend;
import io.distributex.core.shared.SharedStoreBuilder;
import io.distributex.core.shared.SharedTiming;
import io.distributex.core.spi.BackendSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The backend that keeps every pool in memcached, so that any number of Distributex servers
 * sharing it behave as one: one value per pool holds its holders, its FIFO queue (of all servers)
 * and its last token, and every change is a compare-and-set on it, so two servers can never both
 * grant the last slot. Waiters on this server are answered at once when this server frees a slot,
 * and within one poll interval (10 ms by default) when another server does.
 *
 * <p>What memcached does not give: it neither replicates nor persists. When it restarts or evicts
 * a pool's value, the servers notice within a second (each reads every pool's value once a
 * second), put back every hold they remember that may still be alive, and grant nothing in that
 * pool for a {@linkplain Builder#restoreWindow restore window}, in which a renewal with its token
 * through any server gives a hold back; this server's waiters queue again. Tokens stay above every
 * token a server saw, and above the clock. Run memcached with {@code -M} so it never evicts.
 *
 * <pre>{@code
 * LockBackend backend = MemcachedBackend.builder()
 *     .servers(List.of(new InetSocketAddress("10.0.0.5", 11211)))
 *     .pools(List.of(Pool.mutex("pool1")))
 *     .build();
 * }</pre>
 */
public final class MemcachedBackend extends SharedStateBackend {

  private MemcachedBackend(
      MemcachedStore store, BackendSettings settings, SharedTiming timing, Executor io) {
    super(store, settings, timing, io);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a {@link MemcachedBackend}: the memcached servers and the pools are required. */
  public static final class Builder extends SharedStoreBuilder<Builder> {
    private List<InetSocketAddress> servers = List.of();
    private Executor io;

    /** An operation may take 1 s; a poll every 10 ms, places stale after 10 s, 5 s to confirm. */
    private Builder() {
      super(Duration.ofSeconds(1), SharedTiming.DEFAULT);
    }

    @Override
    protected Builder self() {
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

    /**
     * How long a pool whose value memcached lost (a restart, an eviction, a flush) grants nothing
     * once the servers have put back the holds they remember: long enough for every client that
     * holds a slot to renew once (10 s by default: the Java client and the command renew every
     * third of their lease, 15 s by default). Zero: no window, only the remembered holds come back.
     */
    public Builder restoreWindow(Duration window) {
      checkArgument(!window.isNegative(), "the restore window must not be negative");
      return retime(timing -> timing.withRestoreWindow(window));
    }

    /**
     * How often each pool's value is read to find a loss (1 s by default); zero: never (tests on a
     * manual clock that jump years ahead, where a loss is not the subject).
     */
    Builder reread(Duration every) {
      return retime(timing -> timing.withReread(every));
    }

    public MemcachedBackend build() {
      checkArgument(!servers.isEmpty(), "at least one memcached server is required");
      BackendSettings settings = settings();
      return new MemcachedBackend(
          new MemcachedStore(servers, operationTimeout().toMillis()),
          settings,
          timing(),
          io);
    }
  }
}
