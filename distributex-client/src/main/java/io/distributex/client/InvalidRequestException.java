package io.distributex.client;

/**
 * The server refused the request as malformed or unknown (HTTP 400, 405, or 404 for an unknown
 * call, which usually means the server URI has a wrong path).
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
