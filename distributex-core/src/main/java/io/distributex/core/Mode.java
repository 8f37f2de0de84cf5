package io.distributex.core;

import java.util.Locale;

/**
 * How a host holds a pool (a read-write lock): {@link #SHARED} holders coexist with each other
 * and never with an {@link #EXCLUSIVE} one; up to {@code maxlocks} exclusive holders coexist, as
 * they always have. Requests that name no mode are exclusive.
 */
public enum Mode {
  /** A writer's hold: one of the pool's {@code maxlocks} slots, with no shared holder beside it. */
  EXCLUSIVE,
  /** A reader's hold: beside other shared holders (at most {@code maxshared}), never a writer. */
  SHARED;

  /** The word for this mode in requests, {@code /status} and metrics: {@code shared}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
