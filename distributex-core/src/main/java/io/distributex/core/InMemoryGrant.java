package io.distributex.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A held slot inside {@link InMemoryPool}: a {@link Grant} (with its {@link Mode}) plus the period it was granted for
 * (renewals restart that period), the scheduled task that ends it, and whether the holder has
 * {@code claimed} it: asked for it again (a repeated get or wait, a renewal) and been answered
 * with it, so it is known to its host even if the answer to the request it was granted to was
 * lost, and must never be {@linkplain LockBackend#withdraw withdrawn}.
 */
record InMemoryGrant(
    String host,
    Mode mode,
    long token,
    long acquired,
    Duration period,
    long expiresAt,
    boolean claimed,
    TimeSource.Cancellable expiry) {
  private static final TimeSource.Cancellable NONE = () -> {};

  /** A fresh hold; {@code period} zero means it never expires. */
  InMemoryGrant(String host, Mode mode, long token, long now, Duration period) {
    this(host, mode, token, now, period, deadline(now, period), false, NONE);
  }

  boolean expires() {
    return !period.isZero();
  }

  /** Restarted at the holder's own request, which also claims it. */
  InMemoryGrant renewed(long now, Duration newPeriod) {
    return new InMemoryGrant(host, mode, token, acquired, newPeriod, deadline(now, newPeriod), true, NONE);
  }

  InMemoryGrant withExpiry(TimeSource.Cancellable task) {
    return new InMemoryGrant(host, mode, token, acquired, period, expiresAt, claimed, task);
  }

  Grant grant(Pool pool) {
    return new Grant(
        pool.name(),
        host,
        token,
        Instant.ofEpochMilli(acquired),
        expires() ? Optional.of(Instant.ofEpochMilli(expiresAt)) : Optional.empty(),
        mode);
  }

  private static long deadline(long now, Duration period) {
    return period.isZero() ? Long.MAX_VALUE : now + period.toMillis();
  }
}
