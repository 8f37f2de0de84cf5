package io.distributex.core;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSet;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The settings of one lock pool: how many hosts may hold it at once ({@code maxlocks}: 1 is a
 * mutex, more a counting semaphore; in {@linkplain Mode#SHARED shared} mode, any number, or up to
 * {@code maxShared}), how long a hold lasts without renewal ({@code expire};
 * {@link Duration#ZERO} means never), which hosts may use it (empty: any), and whether release
 * and renew must name the holder's fencing token ({@code strict}).
 *
 * @param name the pool's name, as in requests
 * @param expire how long a hold lasts after grant or renewal; zero means it never expires
 * @param maxlocks how many hosts may hold the pool at once, at least 1
 * @param allowedHosts the hosts allowed to use the pool (the YAML key {@code servers}); empty
 *     means every host
 * @param strict whether release and renew must carry the holder's token
 * @param lockDelay how long a slot stays closed after its hold ended by expiry (not by release):
 *     its holder may still be finishing its work; zero for none
 * @param maxShared how many hosts may hold the pool in {@linkplain Mode#SHARED shared} mode at
 *     once, at least 1; empty for no bound
 */
public record Pool(
    String name,
    Duration expire,
    int maxlocks,
    Set<String> allowedHosts,
    boolean strict,
    Duration lockDelay,
    OptionalInt maxShared) {
  /** The hold period of a pool whose configuration names none: 1800 s, as in 0.7. */
  public static final Duration DEFAULT_EXPIRE = Duration.ofSeconds(1800);

  /** The shortest hold: a tinier positive lease is rounded up, never down to "never". */
  static final Duration MIN_LEASE = Duration.ofMillis(1);

  public Pool {
    Names.check("pool", name);
    checkArgument(expire != null && !expire.isNegative(), "expire must not be negative: %s", expire);
    checkArgument(maxlocks >= 1, "maxlocks must be at least 1, got %s", maxlocks);
    allowedHosts = ImmutableSet.copyOf(allowedHosts);
    checkArgument(
        lockDelay != null && !lockDelay.isNegative(), "lockdelay must not be negative: %s", lockDelay);
    checkArgument(
        maxShared != null && (maxShared.isEmpty() || maxShared.getAsInt() >= 1),
        "maxshared must be at least 1, got %s", maxShared);
  }

  /** A pool without a bound on shared holders. */
  public Pool(
      String name, Duration expire, int maxlocks, Set<String> allowedHosts, boolean strict, Duration lockDelay) {
    this(name, expire, maxlocks, allowedHosts, strict, lockDelay, OptionalInt.empty());
  }

  /** A pool without lock-delay. */
  public Pool(String name, Duration expire, int maxlocks, Set<String> allowedHosts, boolean strict) {
    this(name, expire, maxlocks, allowedHosts, strict, Duration.ZERO);
  }

  /** A mutex pool open to every host, with the default expiry. */
  public static Pool mutex(String name) {
    return new Pool(name, DEFAULT_EXPIRE, 1, Set.of(), false);
  }

  /** Whether holds of this pool end by themselves ({@code expire} is not zero). */
  public boolean expires() {
    return !expire.isZero();
  }

  /** Whether {@code host} may use this pool. */
  public boolean allows(String host) {
    return allowedHosts.isEmpty() || allowedHosts.contains(host);
  }

  /**
   * How long a hold asked for with {@code lease} lasts: the lease, never longer than a non-zero
   * {@code expire}; without a lease, {@code expire}. {@link Duration#ZERO} means never.
   */
  public Duration holdPeriod(Optional<Duration> lease) {
    if (lease.isEmpty()) {
      return expire;
    }
    Duration asked = lease.get();
    checkArgument(asked.compareTo(Duration.ZERO) > 0, "lease must be positive, got %s", asked);
    if (asked.compareTo(MIN_LEASE) < 0) {
      return MIN_LEASE;
    }
    return expires() && asked.compareTo(expire) > 0 ? expire : asked;
  }
}
