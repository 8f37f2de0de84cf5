package io.distributex.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A held slot inside {@link InMemoryPool}: a {@link Grant} plus the period it was granted for
 * (renewals restart that period) and the scheduled task that ends it.
 */
record Hold(
    String host, long token, long acquired, Duration period, long expiresAt, TimeSource.Cancellable expiry) {
  private static final TimeSource.Cancellable NONE = () -> {};

  /** A fresh hold; {@code period} zero means it never expires. */
  Hold(String host, long token, long now, Duration period) {
    this(host, token, now, period, deadline(now, period), NONE);
  }

  boolean expires() {
    return !period.isZero();
  }

  Hold renewed(long now, Duration newPeriod) {
    return new Hold(host, token, acquired, newPeriod, deadline(now, newPeriod), NONE);
  }

  Hold withExpiry(TimeSource.Cancellable task) {
    return new Hold(host, token, acquired, period, expiresAt, task);
  }

  Grant grant(Pool pool) {
    return new Grant(
        pool.name(),
        host,
        token,
        Instant.ofEpochMilli(acquired),
        expires() ? Optional.of(Instant.ofEpochMilli(expiresAt)) : Optional.empty());
  }

  private static long deadline(long now, Duration period) {
    return period.isZero() ? Long.MAX_VALUE : now + period.toMillis();
  }
}
