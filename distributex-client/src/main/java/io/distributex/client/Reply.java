package io.distributex.client;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One answer of a server, as far as a lock call cares: status, body, and the grant headers of a
 * {@code YES}.
 */
record Reply(URI server, int status, String body, OptionalLong token, Optional<Instant> expires) {
  static final String TOKEN_HEADER = "X-Distributex-Token";
  static final String EXPIRES_HEADER = "X-Distributex-Expires";
  private static final int MAX_SENTENCE = 300;

  /**
   * The answer of {@code server} with {@code status}, {@code body} (null: empty) and the values of
   * its token and expiry headers (null: absent).
   */
  static Reply of(URI server, int status, String body, String token, String expires) {
    OptionalLong expiry = positive(expires);
    return new Reply(
        server,
        status,
        body == null ? "" : body.strip(),
        positive(token),
        expiry.isPresent() ? Optional.of(Instant.ofEpochMilli(expiry.getAsLong())) : Optional.empty());
  }

  boolean is(int status, String word) {
    return this.status == status && body.equals(word);
  }

  /** The sentence of an {@code INVALID}/{@code ERROR} answer, or a description of a stranger one. */
  String sentence() {
    for (String prefix : new String[] {"INVALID:", "ERROR:"}) {
      if (body.startsWith(prefix)) {
        return shorten(body.substring(prefix.length()).strip());
      }
    }
    String firstLine = body.lines().findFirst().orElse("").strip();
    return "unexpected answer from " + server + ": HTTP " + status
        + (firstLine.isEmpty() ? "" : " '" + shorten(firstLine) + "'");
  }

  /** The exception this answer stands for, when it is neither a grant nor a refusal of one. */
  DistributexException failure() {
    String sentence = sentence();
    boolean ours = body.startsWith("INVALID:") || body.startsWith("ERROR:");
    if (status == 401) {
      return new AuthenticationException(ours ? sentence : "authentication required (HTTP 401 from " + server + ")");
    }
    if (status == 403) {
      return new NotAllowedException(sentence);
    }
    if (status == 404 && body.startsWith("INVALID: unknown pool")) {
      return new UnknownPoolException(sentence);
    }
    if (status >= 400 && status < 500) {
      return new InvalidRequestException(sentence);
    }
    if (status >= 500) {
      return new ServerUnavailableException(sentence);
    }
    return new DistributexException(sentence);
  }

  /** The failure a {@code YES} without fencing token stands for. */
  DistributexException tokenMissing(String pool) {
    return new DistributexException(
        "server " + server + " granted pool '" + pool + "' without a fencing token"
            + " (" + TOKEN_HEADER + "): it does not speak the Distributex 1.0 protocol");
  }

  private static String shorten(String text) {
    return text.length() <= MAX_SENTENCE ? text : text.substring(0, MAX_SENTENCE) + "...";
  }

  private static OptionalLong positive(String header) {
    if (header == null) {
      return OptionalLong.empty();
    }
    try {
      long value = Long.parseLong(header.strip());
      return value > 0 ? OptionalLong.of(value) : OptionalLong.empty();
    } catch (NumberFormatException malformed) {
      return OptionalLong.empty();
    }
  }
}
