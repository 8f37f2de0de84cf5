package io.distributex.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The slots of one pool that lock-delay keeps closed: each hold that ended by expiry closes its
 * slot until a set time (Chubby's lock-delay), since its holder may still be finishing its work.
 * A slot opens by the monotonic clock, so setting the wall clock neither opens it early nor keeps
 * it closed past its reopening; the wall-clock time is what {@code /status} shows and the journal
 * keeps.
 */
final class ClosedSlots {
  private final TimeSource time;
  private final List<Slot> closed = new ArrayList<>();

  private record Slot(long wallUntil, long elapsedUntil) {}

  ClosedSlots(TimeSource time) {
    this.time = time;
  }

  /**
   * Closes one slot until {@code wallUntil} (epoch ms).
   *
   * @return how long from now it stays closed, in ms
   */
  long close(long wallUntil) {
    long delay = Math.max(0, wallUntil - time.currentTimeMillis());
    closed.add(new Slot(wallUntil, time.elapsedMillis() + delay));
    return delay;
  }

  /** How many slots are closed now; those that opened again are forgotten. */
  int closedNow() {
    long now = time.elapsedMillis();
    closed.removeIf(slot -> slot.elapsedUntil() <= now);
    return closed.size();
  }

  /** When the last closed slot opens again (epoch ms); empty when none is closed now. */
  Optional<Long> lastUntil() {
    closedNow();
    return closed.stream().map(Slot::wallUntil).max(Long::compare);
  }
}
