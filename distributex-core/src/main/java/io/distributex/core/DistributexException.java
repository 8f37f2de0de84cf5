package io.distributex.core;

/**
 * A lock call that cannot be served now, through no fault of the caller: the store is
 * unreachable, the server is full or shutting down. The message is a sentence for a person.
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
