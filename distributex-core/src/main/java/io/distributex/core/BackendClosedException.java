package io.distributex.core;

/** The backend was closed while the call waited or before it started. */
public class BackendClosedException extends LockBackendException {
  private static final long serialVersionUID = 1L;

  public BackendClosedException() {
    super("server shutting down");
  }
}
