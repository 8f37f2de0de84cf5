package io.distributex.core.spi;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Mode;
import io.distributex.core.Names;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Release;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A backend made of one {@link PoolState} per pool: it checks names and routes each call, so a
 * backend implements the calls of one pool at a time.
 */
public abstract class PooledBackend implements LockBackend {
  private final Map<String, Pool> pools;
  private final Map<String, PoolState> states;

  protected PooledBackend(List<? extends PoolState> states) {
    checkArgument(!states.isEmpty(), "at least one pool is required");
    ImmutableMap.Builder<String, Pool> pools = ImmutableMap.builder();
    ImmutableMap.Builder<String, PoolState> byName = ImmutableMap.builder();
    for (PoolState state : states) {
      pools.put(state.pool().name(), state.pool());
      byName.put(state.pool().name(), state);
    }
    this.pools = pools.buildOrThrow();
    this.states = byName.buildOrThrow();
  }

  @Override
  public final Map<String, Pool> pools() {
    return pools;
  }

  @Override
  public final Optional<Grant> tryAcquire(
      String pool, String host, Mode mode, Optional<Duration> lease) {
    return state(pool).tryAcquire(Names.check("host", host), mode, lease);
  }

  @Override
  public final CompletableFuture<Optional<Grant>> acquire(
      String pool, String host, Mode mode, Optional<Duration> lease, Optional<Duration> timeout) {
    return state(pool).acquire(Names.check("host", host), mode, lease, timeout);
  }

  @Override
  public final Release release(String pool, String host, OptionalLong token) {
    return state(pool).release(host, token);
  }

  @Override
  public final Optional<Grant> renew(
      String pool, String host, OptionalLong token, Optional<Duration> lease) {
    return state(pool).renew(host, token, lease);
  }

  @Override
  public final boolean withdraw(String pool, String host, long token) {
    return state(pool).withdraw(host, token);
  }

  @Override
  public final boolean isCurrent(String pool, long token) {
    return state(pool).isCurrent(token);
  }

  @Override
  public final List<PoolSnapshot> snapshot() {
    return states.values().stream().map(PoolState::snapshot).toList();
  }

  @Override
  public void close() {
    states.values().forEach(PoolState::close);
  }

  private PoolState state(String pool) {
    PoolState state = states.get(pool);
    checkArgument(state != null, "unknown pool '%s'", pool);
    return state;
  }
}
