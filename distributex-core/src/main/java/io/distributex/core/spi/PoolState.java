package io.distributex.core.spi;

import io.distributex.core.Grant;
import io.distributex.core.Mode;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Release;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * One pool inside a backend: the calls of {@link LockBackend}, for the pool they name. Host names
 * arrive checked.
 */
public interface PoolState {
  Pool pool();

  Optional<Grant> tryAcquire(String host, Mode mode, Optional<Duration> lease);

  CompletableFuture<Optional<Grant>> acquire(
      String host, Mode mode, Optional<Duration> lease, Optional<Duration> timeout);

  Release release(String host, OptionalLong token);

  Optional<Grant> renew(String host, OptionalLong token, Optional<Duration> lease);

  boolean withdraw(String host, long token);

  boolean isCurrent(long token);

  PoolSnapshot snapshot();

  void close();
}
