package io.distributex.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A slot of a pool held for a period of the caller's choosing and never renewed in the background:
 * it ends when that period runs out, unless {@link #holdFor(Duration)} sets a new one first. Where a
 * {@link DistributedLock} is for work that runs as long as it needs, a lease is for "run this at
 * most once in that time": a job scheduler's lock (the ShedLock provider is built on it).
 *
 * <p>Each lease is held under a host name of its own, the client's {@link
 * DistributexClient#identity() identity} plus {@code /N}, so leases never share a hold with each
 * other or with the client's locks: whether a lease is granted is the server's decision alone, also
 * for two leases of one client. So a pool whose {@code servers} list names hosts, or a client
 * secret (which acts as one host only), refuses leases.
 *
 * <p>Thread-safe. Obtained from {@link DistributexClient#tryLease(String, Duration)}.
 */
public interface Lease extends AutoCloseable {
  /** The pool this lease is a slot of. */
  String pool();

  /** The host name the server knows this lease's hold by (shown in {@code /status}). */
  String holder();

  /**
   * The fencing token of the grant: larger than the token of every earlier grant of this pool.
   * {@link #holdFor(Duration)} keeps it.
   */
  long token();

  /**
   * When the hold ends, as the server said at the grant or the latest successful {@link
   * #holdFor(Duration)} (server clock).
   */
  Instant expiresAt();

  /**
   * Holds the slot for {@code period} from now on, whether that is longer or shorter than what
   * is left: to extend a lease, or to let it end at a chosen moment instead of releasing it now.
   * The server caps it at the pool's {@code expire} when that is shorter.
   *
   * @return true when held for the new period; false when the hold had already ended (the period
   *     ran out, or an admin freed it), and then the lease is over for good
   * @throws IllegalArgumentException when {@code period} is not positive or longer than
   *     999,999,999 s
   * @throws IllegalStateException when the lease is closed
   * @throws DistributexException when no server answers or one refuses; the hold is unchanged
   */
  boolean holdFor(Duration period);

  /**
   * Releases the slot now. Idempotent, and never throws: when no server can be reached the hold
   * ends by itself at {@link #expiresAt()}.
   */
  @Override
  void close();
}
