package io.distributex.client;

/**
 * No server could serve the call now: none could be reached within the connect or request timeout,
 * or each answered {@code 503 ERROR} (backend unavailable, too many waiters, shutting down).
 * Trying again later may succeed.
 */
public final class ServerUnavailableException extends DistributexException {
  private static final long serialVersionUID = 1L;

  public ServerUnavailableException(String message) {
    super(message);
  }

  public ServerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
