package io.distributex.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Getting a slot of a pool: first this client's local turn for the pool, then the server's grant.
 * Asynchronous throughout, so a waiting acquisition holds no thread. One that gives up hands what
 * it asked for back through {@link Leaving}, its last phase.
 *
 * <h2>How a long wait keeps its place</h2>
 *
 * A {@code /wait/} stays open for at most {@code waitRefresh}; then a new {@code /wait/} is sent
 * while the old one is still open. The server lets the new request take over the host's place in
 * the queue (same position) and answers the old one {@code NO}, which is therefore ignored: only
 * the answer of the latest request speaks for the place. A {@code YES} from any request is the
 * grant; since a holder's {@code /wait/} is answered {@code YES} again with the same token, the
 * acquisition waits until every request it sent has been answered before it hands out the grant,
 * so no late request can re-take a slot after the grant was closed.
 */
final class Acquisition {
  private static final LazyLogger LOG = new LazyLogger(Acquisition.class);

  private enum Phase {
    TURN,
    SERVER,
    LEAVING,
    DONE
  }

  private final ClientSession session;
  private final String pool;
  /** Whether it asks for a shared (read) hold; exclusive otherwise. */
  private final boolean shared;
  private final boolean now;
  private final boolean timed;
  /** When the caller asked ({@link System#nanoTime()}), for {@link ClientListener#acquired}. */
  private final long askedNanos;
  private final long deadline;
  private final LocalTurns turns;
  private final CompletableFuture<Optional<Grant>> result = new CompletableFuture<>();
  private final CompletableFuture<Void> settled = new CompletableFuture<>();

  // Guarded by this, as is the state of leaving.
  private Phase phase = Phase.TURN;
  private CompletableFuture<Boolean> turn;
  /** Sends the next request: a new wait that takes over the open one, or queues again. */
  private ScheduledFuture<?> nextRequest;
  /** Hands the grant out although a request is still open, one request timeout after the grant. */
  private ScheduledFuture<?> handOut;
  /** The number of the latest request: only its answer speaks for the place in the queue. */
  private int latest;
  private int outstanding;
  /** The {@code YES} with the highest token so far, and when it arrived. */
  private Reply granted;
  private long grantArrivedNanos;
  private int unexpectedNo;
  private boolean cancelled;
  private DistributexException failure;
  private Leaving leaving;

  /**
   * @param wait how long to wait: {@code null} for as long as it takes, zero for not at all
   */
  private Acquisition(ClientSession session, String pool, boolean shared, Duration wait) {
    this.session = session;
    this.pool = pool;
    this.shared = shared;
    this.now = wait != null && wait.isZero();
    this.timed = wait != null && !now;
    this.askedNanos = System.nanoTime();
    this.deadline = timed ? askedNanos + wait.toNanos() : 0;
    this.turns = session.turns(pool);
  }

  /**
   * Starts an acquisition. Its {@link #result()} is the grant, or empty when {@code wait} ran out;
   * {@code wait} is null for no limit (never empty then), zero for no waiting at all.
   */
  static Acquisition start(ClientSession session, String pool, boolean shared, Duration wait) {
    Acquisition acquisition = new Acquisition(session, pool, shared, wait);
    acquisition.begin();
    return acquisition;
  }

  /** The grant, or empty when the wait ran out; exceptionally a {@link DistributexException}. */
  CompletableFuture<Optional<Grant>> result() {
    return result;
  }

  /** Done when the acquisition has finished with the server and with its local turn. */
  CompletableFuture<Void> settled() {
    return settled;
  }

  private void begin() {
    if (now) {
      onTurn(turns.tryTake());
      return;
    }
    CompletableFuture<Boolean> mine = turns.take();
    synchronized (this) {
      turn = mine;
    }
    // A timed wait runs out in the local turn too.
    ScheduledFuture<?> turnDeadline =
        timed && !mine.isDone() ? session.schedule(() -> turns.withdraw(mine), deadline - System.nanoTime()) : null;
    mine.whenComplete(
        (ours, error) -> {
          if (turnDeadline != null) {
            turnDeadline.cancel(false);
          }
          onTurn(Boolean.TRUE.equals(ours));
        });
  }

  private void onTurn(boolean ours) {
    boolean giveBack = false;
    synchronized (this) {
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
   * acquisition leaves the queue; {@link #settled()} completes when it has.
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
    if (waitingTurn != null) {
      // onTurn settles it: with false, or giving back a turn that came at this moment.
      turns.withdraw(waitingTurn);
    }
    if (leave != null) {
      leave.run();
    }
  }

  /** Sends the next {@code /get/} or {@code /wait/}. */
  private void issue() {
    long remaining = deadline - System.nanoTime();
    boolean get = now || (timed && remaining <= 0);
    Runnable next;
    synchronized (this) {
      if (phase != Phase.SERVER || granted != null) {
        return;
      }
      stopTimers();
      if (get && latest > 0) {
        // The wait ran out while queueing again: the latest request's own timeout answers it,
        // or, when none is open, the acquisition is over.
        if (outstanding > 0) {
          return;
        }
        next = done();
      } else {
        next = request(get, remaining);
      }
    }
    next.run();
  }

  /** The next request, to send outside the monitor; called holding it. */
  private Runnable request(boolean get, long remaining) {
    int id = newRequest();
    if (get) {
      return () -> session.get(pool, shared).whenComplete((reply, error) -> onReply(id, reply, error));
    }
    Duration left = timed ? Duration.ofNanos(remaining) : null;
    boolean refresh = left == null || left.compareTo(session.waitRefresh()) > 0;
    String limit = timed ? Transport.seconds(left) : null;
    Duration timeout = (refresh ? session.waitRefresh() : left).plus(session.requestTimeout());
    if (refresh) {
      nextRequest = session.schedule(this::issue, session.waitRefresh().toNanos());
    }
    return () -> session.queue(pool, shared, limit, timeout).whenComplete((reply, error) -> onReply(id, reply, error));
  }

  /** Whether it asks for a shared hold. */
  boolean shared() {
    return shared;
  }

  /** Counts a request about to be sent and returns its number; called holding the monitor. */
  int newRequest() {
    outstanding++;
    return ++latest;
  }

  /** The answer to request {@code id}, whatever the phase: every request sent is answered here. */
  void onReply(int id, Reply reply, Throwable error) {
    DistributexException failed = error == null ? null : Transport.failure(error);
    boolean yes = failed == null && reply.is(200, "YES");
    if (yes && reply.token().isEmpty()) {
      failed = reply.tokenMissing(pool);
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
          next = leaving.answered(yes);
          break;
        case SERVER:
          next = serverStep(id, reply, failed);
          break;
        default:
          if (yes) {
            // Settled already, without waiting for this answer: a stray grant, free it.
            long stray = reply.token().getAsLong();
            next = () -> Leaving.releaseStray(session, pool, stray);
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
        // one lost on the way must not keep the grant from its caller for long: one request
        // timeout after the first grant at most, however many answers still come meanwhile.
        if (handOut == null) {
          stopTimers(); // The refresh: no request is sent after the grant.
          handOut =
              session.schedule(this::handOutAnyway, grantArrivedNanos + session.requestTimeout().toNanos() - System.nanoTime());
          if (handOut == null) {
            phase = Phase.DONE; // The client's timer has stopped: hand the grant out now.
            return this::finishGranted;
          }
        }
        return null;
      }
      stopTimers();
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
      stopTimers();
      long backoff = unexpectedNo == 0 ? 0 : Math.min(1000, 25L << Math.min(unexpectedNo, 6));
      unexpectedNo++;
      LOG.log(Level.DEBUG, "pool {0}: wait answered NO early; queueing again", pool);
      nextRequest = session.schedule(this::issue, TimeUnit.MILLISECONDS.toNanos(backoff));
      return null;
    }
    failure = failed != null ? failed : reply.failure();
    if (outstanding == 0 && refusedOutright(failure)) {
      return done(); // Nothing was queued or granted: nothing to leave.
    }
    return startLeaving();
  }

  private void handOutAnyway() {
    synchronized (this) {
      if (phase != Phase.SERVER) {
        return;
      }
      phase = Phase.DONE;
      handOut = null;
    }
    finishGranted();
  }

  private static boolean refusedOutright(DistributexException failure) {
    return failure instanceof UnknownPoolException
        || failure instanceof NotAllowedException
        || failure instanceof AuthenticationException
        || failure instanceof InvalidRequestException;
  }

  /** Moves to LEAVING and returns the release to send; called holding the monitor. */
  private Runnable startLeaving() {
    stopTimers();
    phase = Phase.LEAVING;
    leaving = new Leaving(this, session, pool);
    return leaving.start();
  }

  /** Requests still unanswered; called holding the monitor. */
  int outstanding() {
    return outstanding;
  }

  /** The token of the grant as a release sends it, null when none came; called holding the monitor. */
  String grantedToken() {
    return granted == null ? null : Long.toString(granted.token().getAsLong());
  }

  /** Ends the acquisition without a grant; called holding the monitor. */
  Runnable done() {
    stopTimers();
    phase = Phase.DONE;
    return () -> finish(true);
  }

  private void finishGranted() {
    Reply yes;
    long arrivedNanos;
    synchronized (this) {
      yes = granted;
      arrivedNanos = grantArrivedNanos;
    }
    Grant grant = session.hold(pool, shared, yes, askedNanos, arrivedNanos);
    if (!result.complete(Optional.of(grant))) {
      grant.close(); // Given up at the same moment: nobody will use it.
    }
    settled.complete(null);
  }

  /** Ends an acquisition without a grant; {@code giveTurn} when it held the local turn. */
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

  /** Cancels the timers of getting a grant; called holding the monitor. */
  private void stopTimers() {
    if (nextRequest != null) {
      nextRequest.cancel(false);
      nextRequest = null;
    }
    if (handOut != null) {
      handOut.cancel(false);
      handOut = null;
    }
  }
}
