package io.distributex.bench;

import java.io.Closeable;
import java.io.IOException;

/**
 * One lock service of the {@code idle-handoff} measure, with a holder and a waiter of its own:
 * the waiter parks, then (after the measure's wait) the holder releases and the waiter's answer
 * is timed, then both get back to the start.
 */
interface HandoffSide extends Closeable {
  /** The name in the figures. */
  String name();

  /** The waiter asks for the lock, which the holder has, and is seen waiting. */
  void park() throws IOException;

  /**
   * The holder releases; returns the nanoseconds from the release's first byte written to the
   * waiter's grant parsed, after checking that grant.
   */
  long handOff() throws IOException;

  /** Outside the clock: the holder's release is checked, the waiter releases, the holder takes it again. */
  void reset() throws IOException;
}
