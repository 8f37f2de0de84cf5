package io.distributex.bench;

import io.distributex.testing.RawHttpResponse;

/** What the measures check in Distributex's answers: the word of a call, a queue, free pools. */
final class Protocol {
  private Protocol() {}

  /** Throws unless {@code response} is {@code 200 word}; {@code what} names the call in the message. */
  static RawHttpResponse expect(RawHttpResponse response, String word, String what) {
    if (!response.is(word)) {
      throw new IllegalStateException(what + ": expected 200 " + word + ", got " + response);
    }
    return response;
  }

  /**
   * Whether the {@code /status} document {@code status} lists {@code host} first in {@code
   * pool}'s queue (any host when null).
   */
  static boolean queuedFirst(String status, String pool, String host) {
    String named = "\"name\":\"" + pool + "\"";
    int at = status.indexOf(named);
    if (at < 0) {
      return false;
    }
    int next = status.indexOf("{\"name\":", at + named.length());
    String first = host == null ? "\"waiters\":[{" : "\"waiters\":[{\"host\":\"" + host + "\"";
    int found = status.indexOf(first, at);
    return found >= 0 && (next < 0 || found < next);
  }

  /** Whether the {@code /status} document {@code status} shows no holder and no waiter in any pool. */
  static boolean allFree(String status) {
    return status.contains("\"pools\":") && !status.contains("\"host\":");
  }
}
