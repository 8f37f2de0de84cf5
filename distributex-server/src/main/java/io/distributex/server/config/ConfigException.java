package io.distributex.server.config;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A configuration file that cannot be used: missing, unreadable, not YAML, or a setting that is
 * unknown or has a bad value. Its message is one line a person can act on, in the form compilers
 * use, {@code FILE:LINE: KEY: what is wrong} (line and key left out when there is none), e.g.
 * {@code distributex.yaml:7: pools[1].maxlocks: must be at least 1 (got 0)}. The server prints it
 * and stops before it listens.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String key;
  private final String problem;

  /**
   * @param line the 1-based line of the offending key or value, 0 when there is none
   * @param key the path of the offending key ({@code pools[1].maxlocks}), null when there is none
   */
  ConfigException(String file, int line, String key, String problem) {
    super(message(file, line, key, problem));
    this.file = file;
    this.line = line;
    this.key = key;
    this.problem = problem;
  }

  /** An error about the whole file, not one key; {@code line} 0 when there is none. */
  ConfigException(String file, int line, String problem, Throwable cause) {
    this(file, line, null, problem);
    initCause(cause);
  }

  private static String message(String file, int line, String key, String problem) {
    StringBuilder message = new StringBuilder(file);
    if (line > 0) {
      message.append(':').append(line);
    }
    if (key != null) {
      message.append(": ").append(key);
    }
    return oneLine(message.append(": ").append(problem).toString());
  }

  /** Escapes line breaks and other control characters, so the message stays one line. */
  private static String oneLine(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (c == '\n') {
                out.append("\\n");
              } else if (c == '\r') {
                out.append("\\r");
              } else if (c == '\t') {
                out.append("\\t");
              } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  /** The file as it was named to the loader. */
  public String file() {
    return file;
  }

  /** The 1-based line of the offending key or value; empty when the whole file is at fault. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  /** The path of the offending key, such as {@code pools[1].maxlocks}; empty when none. */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }

  /** What is wrong, without file, line and key: {@code must be at least 1 (got 0)}. */
  public String problem() {
    return problem;
  }
}
