package io.distributex.core;

/** The backend's store cannot be reached; nothing was granted. */
public class BackendUnavailableException extends LockBackendException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
