package io.distributex.core;

/** What a {@link LockBackend#release} did. */
public enum Release {
  /** The host held a slot and gave it back; the next waiter, if any, got it. */
  RELEASED,
  /** The host was queued and gave up its place; its waiting acquire answered no. */
  LEFT_QUEUE,
  /** The host neither held nor waited: nothing changed (release is idempotent). */
  NOT_HELD,
  /** The host holds a slot under another token than the one given: nothing changed. */
  TOKEN_MISMATCH
}
