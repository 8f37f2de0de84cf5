package io.distributex.core;

import io.distributex.core.spi.BackendBuilder;
import io.distributex.core.spi.BackendSettings;
import io.distributex.core.spi.PooledBackend;
import io.distributex.core.spi.TokenSequence;
import io.distributex.core.spi.WaiterLimit;
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
  public static final class Builder extends BackendBuilder<Builder> {
    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    public InMemoryBackend build() {
      BackendSettings settings = settings();
      TokenSequence tokens = new TokenSequence(settings.time());
      WaiterLimit waiterLimit = new WaiterLimit(settings.maxWaiters());
      return new InMemoryBackend(
          settings.pools().stream()
              .map(
                  pool ->
                      new InMemoryPool(pool, settings.time(), tokens, waiterLimit, settings.listener()))
              .toList());
    }
  }
}
