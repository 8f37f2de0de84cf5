package io.distributex.client;

import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Giving back what an {@link Acquisition} asked for once it gives up (cancelled, interrupted,
 * failed, or timed out with requests still open): its place in the queue, and any grant, also
 * one that reaches it after it has left (a stray grant, {@link #releaseStray}).
 *
 * <p>It sends {@code /release/} for its host, which frees a grant and gives up the place in the
 * queue, answering any open {@code /wait/} {@code NO}. It repeats the release while requests it
 * sent are still unanswered (one may reach the server after the release) and re-releases any
 * {@code YES} that still arrives, for at most one request timeout; only then does the acquisition
 * pass the local turn on, so its requests never meet those of the next caller of this client.
 *
 * <p>Leaving is the last phase of its acquisition and is driven by the same answers, so its state
 * is guarded by the acquisition's monitor; methods that say so are called holding it.
 */
final class Leaving {
  private static final LazyLogger LOG = new LazyLogger(Leaving.class);

  /** How often a leaving acquisition repeats its release while requests are still open. */
  private static final long RELEASE_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Acquisition acquisition;
  private final ClientSession session;
  private final String pool;
  private final long since = System.nanoTime();

  // Guarded by the acquisition's monitor.
  /** A release, or a strict pool's leaving wait, is on the way. */
  private boolean releasing;
  /** A grant arrived since the latest release was sent: release again, with its token. */
  private boolean grantedSince;
  /** Repeats the release while requests sent before it may still reach the server. */
  private ScheduledFuture<?> releaseAgain;
  /** The acquisition has ended: nothing more to send. */
  private boolean left;

  Leaving(Acquisition acquisition, ClientSession session, String pool) {
    this.acquisition = acquisition;
    this.session = session;
    this.pool = pool;
  }

  /**
   * Frees a grant that arrived after its acquisition had given up. The server is re-entrant, so its
   * token may well be that of a live caller of ours, which holds the pool or is being granted it
   * at this moment (its answer on the way): the release therefore waits for the pool's turn. Then
   * no caller of ours is inside, and one that had the token has released it already.
   */
  static void releaseStray(ClientSession session, String pool, long token) {
    LocalTurns turns = session.turns(pool);
    turns.take()
        .thenCompose(ours -> session.release(pool, Long.toString(token)))
        .whenComplete(
            (reply, error) -> {
              turns.give();
              LOG.log(Level.DEBUG, "pool {0}: released stray grant {1}", pool, Long.toString(token));
            });
  }

  /** Starts leaving; returns the first release, to send outside the monitor. Holding the monitor. */
  Runnable start() {
    releasing = true;
    return this::sendRelease;
  }

  /** A request of the acquisition was answered ({@code yes}: with a grant). Holding the monitor. */
  Runnable answered(boolean yes) {
    if (yes) {
      grantedSince = true;
    }
    return step();
  }

  private void sendRelease() {
    String token;
    synchronized (acquisition) {
      releaseAgain = null;
      grantedSince = false;
      token = acquisition.grantedToken();
    }
    session.release(pool, token).whenComplete(this::onReleased);
  }

  private void onReleased(Reply reply, Throwable error) {
    Runnable next;
    synchronized (acquisition) {
      releasing = false;
      if (error != null) {
        // No server can be reached: a place or grant left there ends with its lease.
        LOG.log(Level.DEBUG, "pool {0}: could not leave the queue: {1}", pool, Transport.failure(error).getMessage());
        next = done();
      } else if (reply.status() == 400 && acquisition.grantedToken() == null && reply.body().contains("strict")) {
        next = leaveByWaiting();
      } else {
        if (!reply.is(200, "OK") && !reply.is(409, "NO")) {
          LOG.log(Level.WARNING, "pool {0}: leaving the queue refused: {1}", pool, reply.sentence());
        }
        next = step();
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /**
   * A strict pool refuses a release without token: leave with a wait that ends at once (in the
   * acquisition's mode, so a grant that came meanwhile answers it), counted and answered like the
   * acquisition's other requests. Holding the monitor.
   */
  private Runnable leaveByWaiting() {
    int id = acquisition.newRequest();
    releasing = true;
    return () ->
        session
            .queue(pool, acquisition.shared(), "0.001", session.requestTimeout())
            .whenComplete(
                (reply, error) -> {
                  synchronized (acquisition) {
                    releasing = false;
                  }
                  acquisition.onReply(id, reply, error);
                });
  }

  /** What to do next; holding the monitor. */
  private Runnable step() {
    if (releasing) {
      return null;
    }
    if (acquisition.outstanding() == 0 && !grantedSince) {
      return done();
    }
    if (System.nanoTime() - since > session.requestTimeout().toNanos()) {
      // A request that has not reached the server by now holds nothing but its lease at most.
      return done();
    }
    if (grantedSince) {
      stopReleaseAgain();
      releasing = true;
      return this::sendRelease;
    }
    // An open request may still reach the server after the release: release again shortly.
    if (releaseAgain == null) {
      releaseAgain =
          session.schedule(
              () -> {
                synchronized (acquisition) {
                  if (left || releasing) {
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

  /** Has left: the acquisition ends. Holding the monitor. */
  private Runnable done() {
    stopReleaseAgain();
    left = true;
    return acquisition.done();
  }

  private void stopReleaseAgain() {
    if (releaseAgain != null) {
      releaseAgain.cancel(false);
      releaseAgain = null;
    }
  }
}
