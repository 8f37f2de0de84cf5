package io.distributex.bench;

import io.distributex.core.Grant;
import io.distributex.core.LockListener;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a handoff's time goes inside an in-memory server of the bench's own: the backend's
 * listener notes when the holder's release has been done (after the pool's lock, on the thread
 * that serves the {@code /release/}) and when the slot has been granted to the waiter (right
 * before its future completes). With the client's clock around them this splits a handoff into
 * three stages: release written → release done (the server's threads waking, reading and parsing
 * the request), release done → waiter granted (the backend), granted → {@code YES} parsed (writing
 * the answer and the client waking).
 */
final class StageTrace implements LockListener {
  private volatile long released;
  private volatile long granted;

  @Override
  public void released(Grant grant) {
    released = System.nanoTime();
  }

  @Override
  public void granted(Grant grant, Optional<Duration> waited) {
    if (waited.isPresent()) {
      granted = System.nanoTime();
    }
  }

  /** The moment of the last release done, in {@link System#nanoTime()}. */
  long released() {
    return released;
  }

  /** The moment of the last grant to a waiter, in {@link System#nanoTime()}. */
  long granted() {
    return granted;
  }
}
