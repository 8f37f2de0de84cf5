package io.distributex.client;

/**
 * The server refused the request as malformed or unknown (HTTP 400, 405, or 404 for an unknown
 * call, which usually means the server URI has a wrong path), or as asking for a pool in the other
 * mode than this client holds it in (HTTP 409: shared against exclusive; release it first).
 */
public final class InvalidRequestException extends DistributexException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }

  public InvalidRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
