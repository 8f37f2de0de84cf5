package io.distributex.shedlock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.OptionalLong;

/**
 * The locks each thread took and has not unlocked, innermost last, for {@link
 * DistributexLockProvider#currentToken(String)}. A lock unlocked on another thread than the one
 * that took it is dropped from that thread's list when it is next looked at.
 */
final class HeldLocks {
  private static final ThreadLocal<Deque<DistributexSimpleLock>> HELD = ThreadLocal.withInitial(ArrayDeque::new);

  private HeldLocks() {}

  static void add(DistributexSimpleLock lock) {
    Deque<DistributexSimpleLock> held = HELD.get();
    held.removeIf(earlier -> !earlier.active());
    held.addLast(lock);
  }

  static void remove(DistributexSimpleLock lock) {
    Deque<DistributexSimpleLock> held = HELD.get();
    held.remove(lock);
    if (held.isEmpty()) {
      HELD.remove();
    }
  }

  static OptionalLong token(String name) {
    Deque<DistributexSimpleLock> held = HELD.get();
    for (Iterator<DistributexSimpleLock> latest = held.descendingIterator(); latest.hasNext(); ) {
      DistributexSimpleLock lock = latest.next();
      if (lock.active() && lock.name().equals(name)) {
        return OptionalLong.of(lock.token());
      }
    }
    if (held.isEmpty()) {
      HELD.remove();
    }
    return OptionalLong.empty();
  }
}
