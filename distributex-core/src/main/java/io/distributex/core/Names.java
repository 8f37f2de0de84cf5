package io.distributex.core;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The rule every pool and host name follows, in configuration and in requests alike: not empty,
 * at most {@value #MAX_BYTES} bytes of UTF-8, and no control characters (they would corrupt
 * logs, the status page and the line-oriented outputs).
 */
public final class Names {
  /** The longest name accepted, in bytes of UTF-8. */
  public static final int MAX_BYTES = 255;

  private Names() {}

  /**
   * Returns what is wrong with {@code value} as a name of kind {@code what} ("pool", "host"),
   * as a sentence a person can act on, or empty when it is a valid name.
   */
  public static Optional<String> problem(String what, String value) {
    if (value == null || value.isEmpty()) {
      return Optional.of(what + " must not be empty");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return Optional.of(what + " must be at most " + MAX_BYTES + " bytes");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return Optional.of(what + " must not contain control characters");
      }
    }
    return Optional.empty();
  }

  /** Throws {@link IllegalArgumentException} with {@link #problem}'s sentence for a bad name. */
  public static String check(String what, String value) {
    Optional<String> problem = problem(what, value);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    return value;
  }
}
