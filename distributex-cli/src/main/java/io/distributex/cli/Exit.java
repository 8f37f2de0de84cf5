package io.distributex.cli;

/**
 * The exit statuses of the command besides COMMAND's own (sysexits.h numbers). A signal N that
 * stopped the run gives 128 + N.
 */
final class Exit {
  static final int OK = 0;
  /** EX_USAGE: bad options or arguments. */
  static final int USAGE = 64;
  /**
   * EX_UNAVAILABLE: the server cannot be reached or refused the request (unknown pool, host not
   * allowed, bad secret), or a helper program (setsid, setpriv, sh) is missing. COMMAND not run.
   */
  static final int UNAVAILABLE = 69;
  /** EX_SOFTWARE: the slot was lost while COMMAND ran (or an internal error). */
  static final int LOST = 70;
  /**
   * EX_CANTCREAT: a local lock file ({@code -l}'s, or the turn of this machine's runs as one
   * identity) cannot be created or locked.
   */
  static final int CANT_CREATE = 73;
  /**
   * EX_TEMPFAIL: the lock was not obtained ({@code -w} ran out, {@code -l} found another run).
   * COMMAND not run.
   */
  static final int NOT_OBTAINED = 75;

  private Exit() {}

  static int signalled(int signal) {
    return 128 + signal;
  }
}
