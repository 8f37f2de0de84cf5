package io.distributex.shedlock;

import io.distributex.client.DistributexClient;
import io.distributex.client.DistributexException;
import io.distributex.client.Lease;
import io.distributex.client.UnknownPoolException;
import java.util.Optional;
import java.util.OptionalLong;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.support.LockException;

/**
 * Puts Distributex behind ShedLock ({@code @SchedulerLock}, {@code LockingTaskExecutor}): a
 * scheduled job runs on one node of a cluster at a time.
 *
 * <pre>{@code
 * @Bean
 * LockProvider lockProvider(DistributexClient client) {
 *   return new DistributexLockProvider(client);
 * }
 * }</pre>
 *
 * <p>A lock's name is a Distributex pool, which the server must have configured (one pool per
 * lock name, {@code maxlocks: 1}, {@code expire: 0} or at least the longest {@code lockAtMostFor});
 * an unknown name is a {@link LockException}. Each lock is a {@link Lease} of the client: held for
 * {@code lockAtMostFor} and never renewed in the background, under a host name of its own, so a
 * second attempt of the same name fails while the first holds, from this JVM too. Unlocking before
 * {@code lockAtLeastFor} has passed shortens the hold to what is left of it instead of releasing;
 * {@link SimpleLock#extend} sets a new {@code lockAtMostFor} from now (same fencing token). The
 * job finds its lock's fencing token with {@link #currentToken(String)}.
 *
 * <p>Failures of the server (unreachable, refusing) are {@link LockException}s, as ShedLock
 * expects of a provider; busy is an empty {@code Optional}. Thread-safe. The provider does not own
 * the client: close the client when the application stops (its leases then end at their period).
 */
public final class DistributexLockProvider implements ExtensibleLockProvider {
  private final DistributexClient client;

  /** A provider taking its locks with {@code client}. */
  public DistributexLockProvider(DistributexClient client) {
    if (client == null) {
      throw new IllegalArgumentException("client must not be null");
    }
    this.client = client;
  }

  @Override
  public Optional<SimpleLock> lock(LockConfiguration configuration) {
    String name = configuration.getName();
    Optional<Lease> lease;
    try {
      lease = client.tryLease(name, configuration.getLockAtMostFor());
    } catch (UnknownPoolException unknown) {
      throw new LockException(
          "lock '" + name + "' has no pool on the Distributex server: add a pool named '" + name
              + "' to its configuration (" + unknown.getMessage() + ")",
          unknown);
    } catch (DistributexException | IllegalArgumentException failed) {
      throw new LockException("cannot lock '" + name + "' on Distributex: " + failed.getMessage(), failed);
    }
    return lease.map(held -> DistributexSimpleLock.held(configuration, held));
  }

  /**
   * The fencing token of the lock named {@code lockName} that this thread took and holds (the
   * innermost, if nested), for the job to hand to what it changes: empty when this thread holds no
   * such lock. ShedLock takes and releases a job's lock on the thread that runs the job, so a job
   * can call this.
   */
  public static OptionalLong currentToken(String lockName) {
    return HeldLocks.token(lockName);
  }

  @Override
  public String toString() {
    return "DistributexLockProvider[" + client + "]";
  }
}
