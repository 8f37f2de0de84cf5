package io.distributex.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One attempt to take a slot of a pool: first this client's local turn for the pool, then the
 * server. Asynchronous throughout, so a waiting attempt holds no thread.
 *
 * <h2>How a long wait keeps its place</h2>
 *
 * A {@code /wait/} stays open for at most {@code waitRefresh}; then a new {@code /wait/} is sent
 * while the old one is still open. The server lets the new request take over the host's place in
 * the queue (same position) and answers the old one {@code NO}, which is therefore ignored: only
 * the answer of the latest request speaks for the place. A {@code YES} from any request is the
 * grant; since a holder's {@code /wait/} is answered {@code YES} again with the same token, the
 * attempt waits until every request it sent has been answered before it hands out the lock, so no
 * late request can re-take a slot after the lock was closed.
 *
 * <h2>Leaving</h2>
 *
 * An attempt that gives up (cancelled, interrupted, failed, or timed out with requests still
 * open) sends {@code /release/} for its host, which frees a grant and gives up the place in the
 * queue, answering any open {@code /wait/} {@code NO}. It repeats the release while requests it
 * sent are still unanswered (one may reach the server after the release) and re-releases any
 * {@code YES} that still arrives, for at most one request timeout; only then does it pass the
 * local turn on, so its requests never meet those of the next caller of this client.
 */
final class Acquisition {
  private static final System.Logger LOG = System.getLogger(Acquisition.class.getName());

  /** How often a leaving attempt repeats its release while requests are still open. */
  private static final long RELEASE_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private enum Phase {
    TURN,
    SERVER,
    LEAVING,
    DONE
  }

  private final ClientSession session;
  private final String pool;
  private final boolean now;
  private final boolean timed;
  private final long deadline;
  private final LocalTurns turns;
  private final CompletableFuture<Optional<Grant>> result = new CompletableFuture<>();
  private final CompletableFuture<Void> settled = new CompletableFuture<>();

  // Guarded by this.
  private Phase phase = Phase.TURN;
  private CompletableFuture<Boolean> turn;
  private ScheduledFuture<?> timer;
  private int latest;
  private int outstanding;
  private Reply granted;
  private long grantArrivedNanos;
  /** The grant's finish is scheduled ({@link #grantedAnyway}); the timer is never cancelled but by finishing. */
  private boolean finishScheduled;
  private int unexpectedNo;
  private boolean cancelled;
  private DistributexException failure;
  private boolean releasing;
  private boolean releaseAgain;
  private long leavingSince;

  /**
   * @param wait how long to wait: {@code null} for as long as it takes, zero for not at all
   */
  private Acquisition(ClientSession session, String pool, Duration wait) {
    this.session = session;
    this.pool = pool;
    this.now = wait != null && wait.isZero();
    this.timed = wait != null && !now;
    this.deadline = timed ? System.nanoTime() + wait.toNanos() : 0;
    this.turns = session.turns(pool);
  }

  /**
   * Starts an attempt. Its {@link #result()} is the lock, or empty when {@code wait} ran out;
   * {@code wait} is null for no limit (never empty then), zero for no waiting at all.
   */
  static Acquisition start(ClientSession session, String pool, Duration wait) {
    Acquisition acquisition = new Acquisition(session, pool, wait);
    acquisition.begin();
    return acquisition;
  }

  /** The lock, or empty when the wait ran out; exceptionally a {@link DistributexException}. */
  CompletableFuture<Optional<Grant>> result() {
    return result;
  }

  /** Done when the attempt has finished with the server and with its local turn. */
  CompletableFuture<Void> settled() {
    return settled;
  }

  private void begin() {
    if (now) {
      if (!turns.tryTake()) {
        finish(false);
        return;
      }
      synchronized (this) {
        phase = Phase.SERVER;
      }
      issue();
      return;
    }
    CompletableFuture<Boolean> mine = turns.take();
    synchronized (this) {
      turn = mine;
      if (timed && !mine.isDone()) {
        timer =
            session.schedule(
                () -> {
                  if (mine.complete(false)) {
                    turns.forget(mine);
                  }
                },
                deadline - System.nanoTime());
      }
    }
    mine.whenComplete((ours, error) -> onTurn(Boolean.TRUE.equals(ours)));
  }

  private void onTurn(boolean ours) {
    boolean giveBack = false;
    synchronized (this) {
      cancelTimer();
      if (!ours) {
        phase = Phase.DONE;
      } else if (cancelled) {
        phase = Phase.DONE;
        giveBack = true;
      } else {
        phase = Phase.SERVER;
      }
    }
    if (!ours || giveBack) {
      finish(giveBack);
      return;
    }
    issue();
  }

  /**
   * Gives up: the result completes with {@code reason} (unless it is already complete) and the
   * attempt leaves the queue; {@link #settled()} completes when it has.
   */
  void cancel(RuntimeException reason) {
    synchronized (this) {
      if (cancelled || phase == Phase.DONE || phase == Phase.LEAVING) {
        return;
      }
      cancelled = true;
    }
    result.completeExceptionally(reason);
    CompletableFuture<Boolean> waitingTurn = null;
    Runnable leave = null;
    synchronized (this) {
      if (phase == Phase.TURN) {
        waitingTurn = turn;
      } else if (phase == Phase.SERVER) {
        leave = startLeaving();
      }
    }
    if (waitingTurn != null && waitingTurn.cancel(false)) {
      // Never got the turn; onTurn(false) has run and settled the attempt.
      turns.forget(waitingTurn);
    }
    if (leave != null) {
      leave.run();
    }
  }

  /** Sends the next {@code /get/} or {@code /wait/}. */
  private void issue() {
    int id;
    String call;
    String query;
    Duration timeout;
    long remaining = deadline - System.nanoTime();
    boolean get = now || (timed && remaining <= 0);
    synchronized (this) {
      if (phase != Phase.SERVER || granted != null) {
        return;
      }
      cancelTimer();
      if (get && latest > 0) {
        // The wait ran out while queueing again: the latest request's own timeout answers it,
        // or, when none is open, the attempt is over.
        if (outstanding > 0) {
          return;
        }
        phase = Phase.DONE;
        id = 0;
        call = null;
        query = null;
        timeout = null;
      } else {
        id = ++latest;
        outstanding++;
        String lease = Transport.seconds(session.lease());
        if (get) {
          call = "get/";
          query = session.lockQuery(pool, "lease", lease);
          timeout = session.requestTimeout();
        } else {
          call = "wait/";
          Duration left = timed ? Duration.ofNanos(remaining) : null;
          boolean refresh = left == null || left.compareTo(session.waitRefresh()) > 0;
          query = session.lockQuery(pool, "lease", lease, "timeout", timed ? Transport.seconds(left) : null);
          timeout = (refresh ? session.waitRefresh() : left).plus(session.requestTimeout());
          if (refresh) {
            timer = session.schedule(this::refresh, session.waitRefresh().toNanos());
          }
        }
      }
    }
    if (call == null) {
      finish(true);
      return;
    }
    session.send(call, query, timeout).whenComplete((reply, error) -> onReply(id, reply, error));
  }

  /** Replaces the open {@code /wait/} by a new one that takes over its place. */
  private void refresh() {
    issue();
  }

  private void onReply(int id, Reply reply, Throwable error) {
    DistributexException failed = error == null ? null : unwrap(error);
    boolean yes = failed == null && reply.is(200, "YES");
    if (yes && reply.token().isEmpty()) {
      failed =
          new DistributexException(
              "server " + reply.server() + " granted pool '" + pool + "' without a fencing token"
                  + " (X-Distributex-Token): it does not speak the Distributex 1.0 protocol");
      yes = false;
    }
    Runnable next = null;
    synchronized (this) {
      outstanding--;
      if (yes && (granted == null || reply.token().getAsLong() > granted.token().getAsLong())) {
        granted = reply;
        grantArrivedNanos = System.nanoTime();
      }
      switch (phase) {
        case LEAVING:
          if (yes) {
            releaseAgain = true;
          }
          next = leavingStep();
          break;
        case SERVER:
          next = serverStep(id, reply, failed);
          break;
        default:
          if (yes) {
            // Settled already, without waiting for this answer: a stray grant, free it.
            long stray = reply.token().getAsLong();
            next = () -> session.releaseStray(pool, stray);
          }
          break;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /** What to do after an answer while talking to the server; called holding the monitor. */
  private Runnable serverStep(int id, Reply reply, DistributexException failed) {
    if (granted != null) {
      if (outstanding > 0) {
        // A request sent just before the grant is answered at once (YES: the host holds);
        // one lost on the way must not keep the lock from its caller for long: one request
        // timeout after the first grant at most, however many answers still come meanwhile.
        if (!finishScheduled) {
          cancelTimer(); // The refresh: no request is sent after the grant.
          finishScheduled = true;
          timer =
              session.schedule(this::grantedAnyway, grantArrivedNanos + session.requestTimeout().toNanos() - System.nanoTime());
          if (timer == null) {
            phase = Phase.DONE; // The client's timer has stopped: hand the grant out now.
            return this::finishGranted;
          }
        }
        return null;
      }
      cancelTimer();
      phase = Phase.DONE;
      return this::finishGranted;
    }
    if (id != latest) {
      return null; // Taken over by a later request: its answer says nothing about the place.
    }
    if (failed == null && reply.is(200, "NO")) {
      if (now || (timed && deadline - System.nanoTime() <= 0)) {
        return outstanding == 0 ? done() : startLeaving();
      }
      // Another request of this identity took the place over or released it (only possible
      // when clients share an identity): queue again, backing off so two of them cannot spin.
      cancelTimer();
      long backoff = unexpectedNo == 0 ? 0 : Math.min(1000, 25L << Math.min(unexpectedNo, 6));
      unexpectedNo++;
      LOG.log(Level.DEBUG, "pool {0}: wait answered NO early; queueing again", pool);
      timer = session.schedule(this::refresh, TimeUnit.MILLISECONDS.toNanos(backoff));
      return null;
    }
    failure = failed != null ? failed : reply.failure();
    if (outstanding == 0 && refusedOutright(failure)) {
      return done(); // Nothing was queued or granted: nothing to leave.
    }
    return startLeaving();
  }

  private void grantedAnyway() {
    synchronized (this) {
      if (phase != Phase.SERVER) {
        return;
      }
      phase = Phase.DONE;
      timer = null;
    }
    finishGranted();
  }

  private static boolean refusedOutright(DistributexException failure) {
    return failure instanceof UnknownPoolException
        || failure instanceof NotAllowedException
        || failure instanceof AuthenticationException
        || failure instanceof InvalidRequestException;
  }

  /** Ends the attempt without a lock; called holding the monitor. */
  private Runnable done() {
    cancelTimer();
    phase = Phase.DONE;
    return () -> finish(true);
  }

  /** Moves to LEAVING and returns the release to send; called holding the monitor. */
  private Runnable startLeaving() {
    cancelTimer();
    phase = Phase.LEAVING;
    leavingSince = System.nanoTime();
    releasing = true;
    return this::sendRelease;
  }

  private void sendRelease() {
    String token;
    synchronized (this) {
      timer = null;
      releaseAgain = false;
      token = granted == null ? null : Long.toString(granted.token().getAsLong());
    }
    session
        .send("release/", session.lockQuery(pool, "token", token), session.requestTimeout())
        .whenComplete(this::onReleased);
  }

  private void onReleased(Reply reply, Throwable error) {
    Runnable next;
    synchronized (this) {
      releasing = false;
      if (error != null) {
        // No server can be reached: a place or grant left there ends with its lease.
        LOG.log(Level.DEBUG, "pool {0}: could not leave the queue: {1}", pool, unwrap(error).getMessage());
        next = done();
      } else if (reply.status() == 400 && granted == null && reply.body().contains("strict")) {
        // A strict pool refuses a release without token; leave with a wait that ends at once.
        int id = ++latest;
        outstanding++;
        releasing = true;
        String query = session.lockQuery(pool, "lease", Transport.seconds(session.lease()), "timeout", "0.001");
        next =
            () ->
                session
                    .send("wait/", query, session.requestTimeout())
                    .whenComplete(
                        (answer, failed) -> {
                          synchronized (this) {
                            releasing = false;
                          }
                          onReply(id, answer, failed);
                        });
      } else {
        if (!reply.is(200, "OK") && !reply.is(409, "NO")) {
          LOG.log(Level.WARNING, "pool {0}: leaving the queue refused: {1}", pool, reply.sentence());
        }
        next = leavingStep();
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /** What to do next while leaving; called holding the monitor. */
  private Runnable leavingStep() {
    if (releasing) {
      return null;
    }
    if (outstanding == 0 && !releaseAgain) {
      return done();
    }
    if (System.nanoTime() - leavingSince > session.requestTimeout().toNanos()) {
      // A request that has not reached the server by now holds nothing but its lease at most.
      return done();
    }
    if (releaseAgain) {
      cancelTimer();
      releasing = true;
      return this::sendRelease;
    }
    // An open request may still reach the server after the release: release again shortly.
    if (timer == null) {
      timer =
          session.schedule(
              () -> {
                synchronized (this) {
                  if (phase != Phase.LEAVING || releasing) {
                    return;
                  }
                  releasing = true;
                }
                sendRelease();
              },
              RELEASE_AGAIN_NANOS);
    }
    return null;
  }

  private void finishGranted() {
    Reply yes;
    long arrivedNanos;
    synchronized (this) {
      yes = granted;
      arrivedNanos = grantArrivedNanos;
    }
    Grant grant = session.hold(pool, yes, arrivedNanos);
    if (!result.complete(Optional.of(grant))) {
      grant.close(); // Given up at the same moment: nobody will use it.
    }
    settled.complete(null);
  }

  /** Ends an attempt without a lock; {@code giveTurn} when it held the local turn. */
  private void finish(boolean giveTurn) {
    if (giveTurn) {
      turns.give();
    }
    DistributexException why;
    synchronized (this) {
      why = failure;
    }
    if (why != null) {
      result.completeExceptionally(why);
    } else {
      result.complete(Optional.empty());
    }
    settled.complete(null);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  static DistributexException unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof DistributexException) {
      return (DistributexException) cause;
    }
    if (cause instanceof CancellationException) {
      return new DistributexException("cancelled", cause);
    }
    return new DistributexException("unexpected failure: " + cause, cause);
  }
}
