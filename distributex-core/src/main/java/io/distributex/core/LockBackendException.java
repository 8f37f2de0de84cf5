package io.distributex.core;

/**
 * A lock call that cannot be served now, through no fault of the caller: the store is
 * unreachable, the server is full or shutting down. The message is a sentence for a person.
 */
public class LockBackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LockBackendException(String message) {
    super(message);
  }

  public LockBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
