package io.distributex.client;

/**
 * The server does not let this client's identity use the pool, or act as that identity (HTTP 403):
 * the pool's {@code servers} list does not name it, or a client secret belongs to another name.
 */
public final class NotAllowedException extends DistributexException {
  private static final long serialVersionUID = 1L;

  public NotAllowedException(String message) {
    super(message);
  }

  public NotAllowedException(String message, Throwable cause) {
    super(message, cause);
  }
}
