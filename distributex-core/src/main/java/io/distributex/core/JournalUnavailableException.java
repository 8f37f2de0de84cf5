package io.distributex.core;

/**
 * The journal could not write a change to disk (disk full, I/O error): the call is answered
 * {@code 503 ERROR: journal unavailable: ...}, never {@code YES}, until writes succeed again. For
 * the in-memory backend, its journal is its store: while it fails, the backend is unavailable.
 */
public class JournalUnavailableException extends BackendUnavailableException {
  private static final long serialVersionUID = 1L;

  public JournalUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
