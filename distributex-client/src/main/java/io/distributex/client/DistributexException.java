package io.distributex.client;

/**
 * A lock call that failed: the server refused it or could not be reached. The message is the
 * server's sentence (what follows {@code INVALID: } or {@code ERROR: } in its answer) or, when
 * no server answered, what went wrong on the way; either way a sentence a person can act on.
 *
 * <p>The subclasses say which kind of failure it was. This class itself is thrown for answers
 * that do not follow the protocol (for example a proxy's error page, or a {@code YES} without a
 * fencing token). Busy is never an exception: {@link DistributexClient#tryLock(String)} answers
 * it with an empty {@code Optional}.
 */
public class DistributexException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DistributexException(String message) {
    super(message);
  }

  public DistributexException(String message, Throwable cause) {
    super(message, cause);
  }
}
