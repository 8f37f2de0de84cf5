package io.distributex.client;

/**
 * The pool is not configured on the server (HTTP 404, {@code INVALID: unknown pool 'P'}).
 */
public final class UnknownPoolException extends DistributexException {
  private static final long serialVersionUID = 1L;

  public UnknownPoolException(String message) {
    super(message);
  }

  public UnknownPoolException(String message, Throwable cause) {
    super(message, cause);
  }
}
