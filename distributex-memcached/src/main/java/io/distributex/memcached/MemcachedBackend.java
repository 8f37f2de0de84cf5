package io.distributex.memcached;

import static com.google.common.base.Preconditions.checkArgument;

import io.distributex.core.shared.SharedStateBackend;
import io.distributex.core.shared.SharedTiming;
import io.distributex.core.spi.BackendBuilder;
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
 * a pool's value, the holds and queue in it are gone (holders learn it when their renewal is
 * refused; this server's waiters queue again); tokens then restart from the clock, still above
 * every earlier token unless the servers' clocks differ by more than the time since the last grant.
 * Run memcached with {@code -M} so it never evicts.
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
  public static final class Builder extends BackendBuilder<Builder> {
    private List<InetSocketAddress> servers = List.of();
    private Duration operationTimeout = Duration.ofSeconds(1);
    private SharedTiming timing = SharedTiming.DEFAULT;
    private Executor io;

    private Builder() {}

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
      this.timing = SharedTiming.of(poll, staleAfter, confirmWithin);
      return this;
    }

    public MemcachedBackend build() {
      checkArgument(!servers.isEmpty(), "at least one memcached server is required");
      BackendSettings settings = settings();
      return new MemcachedBackend(
          new MemcachedStore(servers, operationTimeout.toMillis()), settings, timing, io);
    }
  }
}
