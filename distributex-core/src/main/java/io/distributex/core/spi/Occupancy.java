package io.distributex.core.spi;

import io.distributex.core.Mode;
import io.distributex.core.Pool;
import java.util.Collection;
import java.util.function.Function;

/**
 * Who holds a pool at one moment, by mode, and how many of its slots lock-delay keeps closed:
 * what decides whether one more host may hold it. Every backend asks it, so all grant alike.
 *
 * <p>An exclusive hold needs no shared holder and a slot of {@code maxlocks} that is neither held
 * nor closed; a shared hold needs no exclusive holder, no closed slot (the holder that lock-delay
 * waits for may still be writing) and, when the pool bounds them, fewer than {@code maxshared}
 * shared holders.
 *
 * @param exclusive how many hosts hold the pool exclusively
 * @param shared how many hosts hold it in shared mode
 * @param closed how many slots lock-delay keeps closed
 */
public record Occupancy(int exclusive, int shared, int closed) {

  /** The occupancy of {@code holders}, whose modes {@code modeOf} tells. */
  public static <T> Occupancy of(Collection<T> holders, Function<T, Mode> modeOf, int closed) {
    int shared = 0;
    for (T holder : holders) {
      if (modeOf.apply(holder) == Mode.SHARED) {
        shared++;
      }
    }
    return new Occupancy(holders.size() - shared, shared, closed);
  }

  /** Whether one more host may hold {@code pool} in {@code mode} now. */
  public boolean admits(Pool pool, Mode mode) {
    if (mode == Mode.EXCLUSIVE) {
      return shared == 0 && exclusive + closed < pool.maxlocks();
    }
    return exclusive == 0
        && closed == 0
        && (pool.maxShared().isEmpty() || shared < pool.maxShared().getAsInt());
  }

  /** This occupancy with one more holder in {@code mode}. */
  public Occupancy with(Mode mode) {
    return mode == Mode.EXCLUSIVE
        ? new Occupancy(exclusive + 1, shared, closed)
        : new Occupancy(exclusive, shared + 1, closed);
  }
}
