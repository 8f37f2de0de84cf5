package io.distributex.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * The backend that keeps every pool in this JVM: per pool a FIFO queue and the holders under one
 * lock, with deadlines on one scheduler thread. Fast (no I/O) and exact, but its holds live and
 * die with the process; several servers cannot share it.
 *
 * <pre>{@code
 * LockBackend backend = InMemoryBackend.builder().pools(List.of(Pool.mutex("pool1"))).build();
 * }</pre>
 */
public final class InMemoryBackend extends PooledBackend {

  private InMemoryBackend(List<InMemoryPool> pools) {
    super(pools);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void checkHealth() {}

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
      TokenSequence tokens = new TokenSequence(time);
      WaiterLimit waiterLimit = new WaiterLimit(maxWaiters);
      return new InMemoryBackend(
          pools.stream()
              .map(pool -> new InMemoryPool(pool, time, tokens, waiterLimit, listener))
              .toList());
    }
  }
}
