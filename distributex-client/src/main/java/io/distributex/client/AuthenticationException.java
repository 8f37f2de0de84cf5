package io.distributex.client;

/**
 * The server wants a secret and got none or a wrong one (HTTP 401): set {@link
 * DistributexClient.Builder#secret(String)}.
 */
public final class AuthenticationException extends DistributexException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }

  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
