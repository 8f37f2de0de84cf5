package io.distributex.server;

/**
 * A request the server answers with an error instead of serving it: the HTTP status and the body,
 * which starts with {@code INVALID} or {@code ERROR} as docs/protocol.md says.
 */
final class Refusal extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  private Refusal(int status, String body) {
    super(body, null, false, false);
    this.status = status;
  }

  /** A request the server will not serve as sent: {@code INVALID: sentence}. */
  static Refusal invalid(int status, String sentence) {
    return new Refusal(status, "INVALID: " + sentence);
  }

  /** A request the server cannot serve now: {@code ERROR: sentence}. */
  static Refusal error(int status, String sentence) {
    return new Refusal(status, "ERROR: " + sentence);
  }

  int status() {
    return status;
  }

  String body() {
    return getMessage();
  }
}
