package io.distributex.core;

/** An acquire would have to queue, but the backend already holds its limit of waiters. */
public class TooManyWaitersException extends LockBackendException {
  private static final long serialVersionUID = 1L;
  private final int limit;

  public TooManyWaitersException(int limit) {
    super("too many waiters (" + limit + ")");
    this.limit = limit;
  }

  /** The number of waiters the backend holds at most. */
  public int limit() {
    return limit;
  }
}
