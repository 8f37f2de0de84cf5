package io.distributex.shedlock;

import io.distributex.client.DistributexException;
import io.distributex.client.Lease;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.AbstractSimpleLock;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.support.LockException;

/**
 * A ShedLock lock held as a Distributex {@link Lease}. ShedLock's base class makes each one usable
 * once: after {@code unlock} or {@code extend}, both throw {@link IllegalStateException}.
 */
final class DistributexSimpleLock extends AbstractSimpleLock {
  private static final System.Logger LOG = System.getLogger(DistributexSimpleLock.class.getName());

  private final Lease lease;
  private volatile boolean finished;

  private DistributexSimpleLock(LockConfiguration configuration, Lease lease) {
    super(configuration);
    this.lease = lease;
  }

  /** A lock just taken (or extended) on this thread: known to {@link HeldLocks} from now on. */
  static DistributexSimpleLock held(LockConfiguration configuration, Lease lease) {
    DistributexSimpleLock lock = new DistributexSimpleLock(configuration, lease);
    HeldLocks.add(lock);
    return lock;
  }

  String name() {
    return lockConfiguration.getName();
  }

  long token() {
    return lease.token();
  }

  /** False once unlocked or extended (the extension is another lock). */
  boolean active() {
    return !finished;
  }

  /**
   * Releases the lease, or, before {@code lockAtLeastUntil}, lets it end then: the server holds it
   * for what is left of {@code lockAtLeastFor} and no longer. Never throws for the server: a hold
   * that cannot be shortened or released ends at {@code lockAtMostFor}, later than asked but never
   * earlier.
   */
  @Override
  protected void doUnlock() {
    finish();
    Duration left = Duration.between(ClockProvider.now(), lockConfiguration.getLockAtLeastUntil());
    if (left.toMillis() < 1) {
      lease.close();
      return;
    }
    try {
      lease.holdFor(left);
    } catch (DistributexException failed) {
      LOG.log(
          Level.WARNING,
          "lock {0}: could not shorten its hold to lockAtLeastFor ({1}); it ends at lockAtMostFor",
          name(),
          failed.getMessage());
    }
  }

  /**
   * Holds the lease for the new {@code lockAtMostFor} from now; empty when it had ended (its
   * {@code lockAtMostFor} passed, by ShedLock's clock or the server's).
   */
  @Override
  protected Optional<SimpleLock> doExtend(LockConfiguration extended) {
    finish();
    if (!ClockProvider.now().isBefore(lockConfiguration.getLockAtMostUntil())) {
      return Optional.empty();
    }
    boolean held;
    try {
      held = lease.holdFor(extended.getLockAtMostFor());
    } catch (DistributexException | IllegalArgumentException failed) {
      throw new LockException("cannot extend lock '" + name() + "' on Distributex: " + failed.getMessage(), failed);
    }
    return held ? Optional.of(held(extended, lease)) : Optional.empty();
  }

  private void finish() {
    finished = true;
    HeldLocks.remove(this);
  }

  @Override
  public String toString() {
    return "DistributexSimpleLock[" + name() + ", " + lease + "]";
  }
}
