package io.distributex.core.shared;

import static com.google.common.base.Preconditions.checkArgument;

import io.distributex.core.spi.BackendBuilder;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The settings every builder of a {@link SharedStateBackend} has besides the common ones: how
 * long one store operation may take, and the engine's {@link SharedTiming}. Each backend gives
 * its own defaults.
 */
public abstract class SharedStoreBuilder<B extends SharedStoreBuilder<B>> extends BackendBuilder<B> {
  private Duration operationTimeout;
  private SharedTiming timing;

  protected SharedStoreBuilder(Duration operationTimeout, SharedTiming timing) {
    this.operationTimeout = operationTimeout;
    this.timing = timing;
  }

  /** How long one store operation may take before the call fails. */
  public B operationTimeout(Duration timeout) {
    checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
    this.operationTimeout = timeout;
    return self();
  }

  /**
   * How often a server with waiters reads its pools, and how long a dead server's queue places
   * and its undelivered grants last (see {@link SharedTiming}); the backend's reread and restore
   * window stay.
   */
  public B timing(Duration poll, Duration staleAfter, Duration confirmWithin) {
    this.timing =
        new SharedTiming(
            poll.toMillis(),
            staleAfter.toMillis(),
            confirmWithin.toMillis(),
            timing.rereadMs(),
            timing.restoreWindowMs());
    return self();
  }

  /** Changes the timing in a way of the backend's own (its reread, its restore window). */
  protected final B retime(UnaryOperator<SharedTiming> change) {
    this.timing = change.apply(timing);
    return self();
  }

  protected final Duration operationTimeout() {
    return operationTimeout;
  }

  protected final SharedTiming timing() {
    return timing;
  }
}
