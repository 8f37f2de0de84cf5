package io.distributex.client;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The turn of one pool inside one client: a fair asynchronous mutex. The server sees a client as
 * one host, and a host holds at most one slot of a pool (a second request of a holder is answered
 * {@code YES} with the same grant), so the callers of one client must take turns before they go
 * to the server, or two of them would share one hold without knowing it.
 *
 * <p>The turn is held from before the first request to the server until the hold is released and
 * the queue left, so a successor's requests never meet a predecessor's at the server. The release
 * of a stray grant takes the turn too ({@link Leaving#releaseStray}), since the grant's token may
 * be the one the turn's owner holds.
 */
final class LocalTurns {
  private final ArrayDeque<CompletableFuture<Boolean>> waiting = new ArrayDeque<>();
  private boolean taken;

  /** Takes the turn if it is free and nobody waits for it. */
  synchronized boolean tryTake() {
    if (taken || !waiting.isEmpty()) {
      return false;
    }
    taken = true;
    return true;
  }

  /**
   * A future completed with {@code true} when the turn is the caller's, or with {@code false} when
   * the caller {@linkplain #withdraw withdraws} first.
   */
  CompletableFuture<Boolean> take() {
    CompletableFuture<Boolean> turn = new CompletableFuture<>();
    synchronized (this) {
      if (!taken && waiting.isEmpty()) {
        taken = true;
        turn.complete(true);
      } else {
        waiting.add(turn);
      }
    }
    return turn;
  }

  /**
   * Stops waiting for {@code turn}, a future of {@link #take}: completes it with {@code false}.
   * False when it was completed already: then the turn may be the caller's, to give back.
   */
  boolean withdraw(CompletableFuture<Boolean> turn) {
    if (!turn.complete(false)) {
      return false;
    }
    synchronized (this) {
      waiting.remove(turn);
    }
    return true;
  }

  /** Passes the turn to the longest waiting caller that still wants it, or frees it. */
  void give() {
    while (true) {
      CompletableFuture<Boolean> next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          taken = false;
          return;
        }
      }
      // Completed outside the monitor: the new owner's continuation runs here.
      if (next.complete(true)) {
        return;
      }
    }
  }
}
