package io.distributex.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slot granted to this client, as the server calls it (a grant, named by its fencing token): the
 * one implementation of {@link DistributedLock}, renewed until closed or lost.
 */
final class Grant implements DistributedLock {
  private static final LazyLogger LOG = new LazyLogger(Grant.class);
  private static final int HELD = 0;
  private static final int LOST = 1;
  private static final int CLOSED = 2;

  private final ClientSession session;
  private final String pool;
  private final long token;
  /** When the grant arrived ({@link System#nanoTime()}): the hold period runs from then. */
  private final long arrivedNanos;
  private final long periodNanos;
  private final boolean expires;
  private final boolean shared;
  private final AtomicInteger state = new AtomicInteger(HELD);
  private final List<Runnable> listeners = new ArrayList<>();
  private volatile Instant expiresAt;
  private volatile ScheduledFuture<?> renewal;
  private volatile String lostBecause;

  /** Until when (System.nanoTime) the hold is known to last; only meaningful when it expires. */
  private long confirmedUntil;

  /**
   * @param shared whether it is a shared (read) hold
   * @param yes the answer that granted it: a {@code YES} with a token
   * @param arrivedNanos when the grant arrived ({@link System#nanoTime()})
   */
  Grant(ClientSession session, String pool, boolean shared, Reply yes, long arrivedNanos) {
    this.session = session;
    this.pool = pool;
    this.shared = shared;
    this.token = yes.token().orElseThrow();
    this.arrivedNanos = arrivedNanos;
    this.expiresAt = yes.expires().orElse(null);
    this.expires = expiresAt != null;
    this.periodNanos = expires ? holdPeriod(session.lease(), expiresAt, arrivedMillis(arrivedNanos)).toNanos() : 0;
    if (expires && periodNanos < session.lease().toNanos() / 2) {
      LOG.log(
          Level.INFO,
          "pool {0}: the grant ends within {1} s although the lease is {2} s: the pool''s expire is"
              + " shorter, or the server''s clock is behind this machine''s; renewing every {3} s",
          pool,
          seconds(periodNanos),
          Transport.seconds(session.lease()),
          seconds(periodNanos / 3));
    }
    this.confirmedUntil = arrivedNanos + periodNanos;
  }

  /**
   * The period the server holds the slot for after each renewal: the lease, or less when the
   * pool's {@code expire} is shorter (seen in the grant's expiry, against our clock when the grant
   * arrived). The two clocks may differ, so the estimate is floored at a tenth of the lease rather
   * than trusted down to nothing.
   */
  private static Duration holdPeriod(Duration lease, Instant expiresAt, long arrivedMillis) {
    Duration seen = Duration.ofMillis(expiresAt.toEpochMilli() - arrivedMillis);
    Duration floor = Duration.ofNanos(lease.toNanos() / 10); // not dividedBy: BigDecimal's set-up is dear
    if (seen.compareTo(lease) >= 0) {
      return lease;
    }
    return seen.compareTo(floor) > 0 ? seen : floor;
  }

  /** Our wall clock when the grant arrived, {@code arrivedNanos} being on the monotonic one. */
  private static long arrivedMillis(long arrivedNanos) {
    return System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - arrivedNanos);
  }

  /**
   * Starts renewing every third of the hold period, counted from the grant's arrival: the lock
   * may be handed out up to a request timeout later (see {@link Acquisition}), and the server's
   * hold runs from the grant, not from the hand-out. Holds that never expire need no renewal.
   */
  void startRenewing() {
    if (!expires) {
      return;
    }
    long every = Math.max(1, periodNanos / 3);
    long first = Math.max(0, arrivedNanos + every - System.nanoTime());
    renewal = session.scheduleAtFixedRate(this::renewNow, first, every, TimeUnit.NANOSECONDS);
    if (state.get() != HELD) {
      renewal.cancel(false);
    }
  }

  @Override
  public String pool() {
    return pool;
  }

  @Override
  public boolean isShared() {
    return shared;
  }

  @Override
  public long token() {
    return token;
  }

  @Override
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  @Override
  public boolean isHeld() {
    if (state.get() != HELD) {
      return false;
    }
    if (expires && System.nanoTime() - confirmedUntil() >= 0) {
      lose("no renewal succeeded within the hold period of " + seconds(periodNanos) + " s");
      return false;
    }
    return true;
  }

  @Override
  public void onLost(Runnable listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null");
    }
    boolean runNow;
    synchronized (this) {
      runNow = state.get() == LOST;
      if (!runNow) {
        listeners.add(listener);
      }
    }
    if (runNow) {
      session.runListener(listener);
    }
  }

  @Override
  public void close() {
    int before;
    do {
      before = state.get();
      if (before == CLOSED) {
        return;
      }
    } while (!state.compareAndSet(before, CLOSED));
    stopRenewing();
    synchronized (this) {
      listeners.clear();
    }
    try {
      session.releaseQuietly(
          session.identity(), pool, token, expiresAt == null ? "never: release it by hand" : "at " + expiresAt);
    } finally {
      session.released(this);
      session.tell(listener -> listener.released(pool, Duration.ofNanos(System.nanoTime() - arrivedNanos)));
    }
  }

  /** One renewal, sent without waiting for its answer (several may be in flight). */
  private void renewNow() {
    if (!isHeld()) {
      stopRenewing();
      return;
    }
    long sent = System.nanoTime();
    Duration timeout = Duration.ofNanos(Math.min(session.requestTimeout().toNanos(), periodNanos));
    session
        .renew(pool, token, timeout)
        .whenComplete(
            (reply, failure) -> {
              if (state.get() != HELD) {
                return;
              }
              if (failure == null && reply.is(200, "OK")) {
                renewed(sent + periodNanos, reply.expires().orElse(null));
              } else if (failure == null && reply.is(409, "NO")) {
                lose("the server no longer holds it (renewal refused)");
              } else {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                Throwable why = cause != null ? cause : reply.failure();
                LOG.log(Level.WARNING, "pool {0}: renewal of grant {1} failed: {2}", pool, Long.toString(token), why.getMessage());
                session.tell(listener -> listener.renewFailed(pool, why));
                isHeld();
              }
            });
  }

  private synchronized void renewed(long until, Instant serverExpiry) {
    if (until - confirmedUntil > 0) {
      confirmedUntil = until;
      if (serverExpiry != null) {
        expiresAt = serverExpiry;
      }
    }
  }

  private synchronized long confirmedUntil() {
    return confirmedUntil;
  }

  private void lose(String because) {
    List<Runnable> toTell;
    synchronized (this) {
      if (!state.compareAndSet(HELD, LOST)) {
        return;
      }
      lostBecause = because;
      toTell = new ArrayList<>(listeners);
      listeners.clear();
    }
    stopRenewing();
    LOG.log(Level.WARNING, "pool {0}: lock lost (grant {1}): {2}", pool, Long.toString(token), because);
    session.tell(listener -> listener.lost(pool, because));
    toTell.forEach(session::runListener);
  }

  private void stopRenewing() {
    ScheduledFuture<?> scheduled = renewal;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
  }

  private static String seconds(long nanos) {
    return Transport.seconds(Duration.ofNanos(nanos));
  }

  @Override
  public String toString() {
    int now = state.get();
    String held = now == HELD ? "held" : now == CLOSED ? "closed" : "lost: " + lostBecause;
    return "DistributedLock[pool=" + pool + ", token=" + token + (shared ? ", shared" : "") + ", "
        + held + "]";
  }
}
