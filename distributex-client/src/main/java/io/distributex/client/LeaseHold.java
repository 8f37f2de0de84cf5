package io.distributex.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one implementation of {@link Lease}. Setting a new period is a {@code /renew/} of the
 * lease's grant, by its token, with that {@code lease}: the server holds it for the new period from
 * now, or answers {@code 409 NO} when the hold has ended, and then the lease is over. A renewal
 * never grants anew, so an ended lease never takes the pool again.
 */
final class LeaseHold implements Lease {
  private final ClientSession session;
  private final String pool;
  private final String holder;
  private final long token;
  private final long grantedNanos;
  // Guarded by this.
  private Instant expiresAt;
  private boolean ended;
  private boolean closed;

  private LeaseHold(ClientSession session, String pool, String holder, Reply yes, Duration period, long grantedNanos) {
    this.session = session;
    this.pool = pool;
    this.holder = holder;
    this.token = yes.token().orElseThrow();
    this.grantedNanos = grantedNanos;
    this.expiresAt = expiry(yes, period);
  }

  /** {@link DistributexClient#tryLease(String, Duration)}. */
  static Optional<Lease> take(ClientSession session, String pool, Duration period) {
    Transport.checkName("pool", pool);
    Transport.checkPeriod("lease period", period);
    session.checkOpen();
    String holder = session.leaseHolder();
    long asked = System.nanoTime();
    Reply reply;
    try {
      reply = answer(session.getAs(holder, pool, period));
    } catch (ServerUnavailableException unanswered) {
      // The server may have granted it all the same: free the holder rather than keep the pool
      // for the whole period, without waiting (no one else acts as this holder).
      session.releaseInBackground(holder, pool);
      throw unanswered;
    }
    if (reply.is(200, "NO")) {
      return Optional.empty();
    }
    checkGrant(reply, pool);
    long granted = System.nanoTime();
    session.tell(listener -> listener.acquired(pool, Duration.ofNanos(granted - asked)));
    return Optional.of(new LeaseHold(session, pool, holder, reply, period, granted));
  }

  @Override
  public String pool() {
    return pool;
  }

  @Override
  public String holder() {
    return holder;
  }

  @Override
  public long token() {
    return token;
  }

  @Override
  public synchronized Instant expiresAt() {
    return expiresAt;
  }

  @Override
  public boolean holdFor(Duration period) {
    Transport.checkPeriod("lease period", period);
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the lease of " + pool + " is closed");
      }
      if (ended) {
        return false;
      }
    }
    Reply reply = answer(session.renewAs(holder, pool, token, period));
    if (reply.is(409, "NO")) {
      end("its hold had ended");
      return false;
    }
    if (!reply.is(200, "OK")) {
      throw reply.failure();
    }
    synchronized (this) {
      expiresAt = expiry(reply, period);
    }
    return true;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (ended) {
        return;
      }
    }
    session.releaseQuietly(holder, pool, token, "at " + expiresAt());
    session.tell(listener -> listener.released(pool, Duration.ofNanos(System.nanoTime() - grantedNanos)));
  }

  private void end(String reason) {
    synchronized (this) {
      ended = true;
    }
    session.tell(listener -> listener.lost(pool, "lease " + token + ": " + reason));
  }

  /** The answer of a call, or its failure as a {@link DistributexException}. */
  private static Reply answer(CompletableFuture<Reply> call) {
    try {
      return call.join();
    } catch (CompletionException failed) {
      throw Transport.failure(failed);
    }
  }

  /** Throws unless {@code reply} is a grant of {@code pool}: a {@code YES} with a fencing token. */
  private static void checkGrant(Reply reply, String pool) {
    if (!reply.is(200, "YES")) {
      throw reply.failure();
    }
    if (reply.token().isEmpty()) {
      throw reply.tokenMissing(pool);
    }
  }

  /** The server's expiry of a grant, or our own estimate when it sent none. */
  private static Instant expiry(Reply yes, Duration period) {
    return yes.expires().orElseGet(() -> Instant.now().plus(period));
  }

  @Override
  public synchronized String toString() {
    String state = closed ? "closed" : ended ? "ended" : "until " + expiresAt;
    return "Lease[pool=" + pool + ", holder=" + holder + ", token=" + token + ", " + state + "]";
  }
}
