package io.distributex.core;

/**
 * A journal that cannot be used at start: not a regular file, not writable, in use by another
 * running server, or damaged. The message names the file and what is wrong, in one line; a
 * server stops with exit status 2 on it and leaves the file as it is.
 */
public final class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
