package io.distributex.core;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The backend that keeps every pool in this JVM: per pool a FIFO queue and the holders under one
 * lock, with deadlines on one scheduler thread. Fast (no I/O) and exact, but its holds live and
 * die with the process; several servers cannot share it.
 *
 * <pre>{@code
 * LockBackend backend = InMemoryBackend.builder().pools(List.of(Pool.mutex("pool1"))).build();
 * }</pre>
 */
public final class InMemoryBackend implements LockBackend {
  private final Map<String, Pool> pools;
  private final Map<String, InMemoryPool> states;

  private InMemoryBackend(Builder builder) {
    TokenSequence tokens = new TokenSequence(builder.time);
    WaiterLimit waiterLimit = new WaiterLimit(builder.maxWaiters);
    ImmutableMap.Builder<String, Pool> pools = ImmutableMap.builder();
    ImmutableMap.Builder<String, InMemoryPool> states = ImmutableMap.builder();
    for (Pool pool : builder.pools) {
      pools.put(pool.name(), pool);
      states.put(
          pool.name(), new InMemoryPool(pool, builder.time, tokens, waiterLimit, builder.listener));
    }
    this.pools = pools.buildOrThrow();
    this.states = states.buildOrThrow();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Map<String, Pool> pools() {
    return pools;
  }

  @Override
  public Optional<Grant> tryAcquire(String pool, String host, Optional<Duration> lease) {
    return state(pool).tryAcquire(Names.check("host", host), lease);
  }

  @Override
  public CompletableFuture<Optional<Grant>> acquire(
      String pool, String host, Optional<Duration> lease, Optional<Duration> timeout) {
    return state(pool).acquire(Names.check("host", host), lease, timeout);
  }

  @Override
  public Release release(String pool, String host, OptionalLong token) {
    return state(pool).release(host, token);
  }

  @Override
  public Optional<Grant> renew(String pool, String host, OptionalLong token) {
    return state(pool).renew(host, token);
  }

  @Override
  public boolean isCurrent(String pool, long token) {
    return state(pool).isCurrent(token);
  }

  @Override
  public List<PoolSnapshot> snapshot() {
    return states.values().stream().map(InMemoryPool::snapshot).toList();
  }

  @Override
  public void checkHealth() {}

  @Override
  public void close() {
    states.values().forEach(InMemoryPool::close);
  }

  private InMemoryPool state(String pool) {
    InMemoryPool state = states.get(pool);
    checkArgument(state != null, "unknown pool '%s'", pool);
    return state;
  }

  /** Settings of an {@link InMemoryBackend}; only the pools are required. */
  public static final class Builder {
    private List<Pool> pools = List.of();
    private TimeSource time = TimeSource.system();
    private int maxWaiters = Integer.MAX_VALUE;
    private LockListener listener = LockListener.NONE;

    private Builder() {}

    /** The pools to serve; names must be unique. */
    public Builder pools(List<Pool> pools) {
      this.pools = List.copyOf(pools);
      return this;
    }

    /** The clock and scheduler; the system's by default. */
    public Builder timeSource(TimeSource time) {
      this.time = time;
      return this;
    }

    /** How many acquires may wait at once over all pools; unbounded by default. */
    public Builder maxWaiters(int maxWaiters) {
      checkArgument(maxWaiters >= 1, "maxWaiters must be at least 1, got %s", maxWaiters);
      this.maxWaiters = maxWaiters;
      return this;
    }

    /** Told of every grant, release, expiry and wait timeout; none by default. */
    public Builder listener(LockListener listener) {
      this.listener = new SafeListener(listener);
      return this;
    }

    public InMemoryBackend build() {
      checkArgument(!pools.isEmpty(), "at least one pool is required");
      return new InMemoryBackend(this);
    }
  }
}
