package io.distributex.core;

/**
 * A host asked for a pool in one mode while it holds the pool in the other: it must release
 * first. Nothing changed: the hold and its token stay, and the host was not queued.
 */
public class ModeConflictException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final Mode held;

  public ModeConflictException(String pool, String host, Mode held) {
    super("host '" + host + "' holds pool '" + pool + "' in " + held.label() + " mode");
    this.held = held;
  }

  /** The mode the host holds the pool in. */
  public Mode held() {
    return held;
  }
}
