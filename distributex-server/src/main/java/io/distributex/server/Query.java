package io.distributex.server;

import io.distributex.core.Mode;
import io.distributex.core.Names;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The parameters of one call, taken from the query string and checked: each accessor either
 * returns a valid value or throws the {@link Refusal} that names what is wrong. When a parameter
 * is given twice the first wins, as in 0.7's Twisted server.
 */
final class Query {
  /** Seconds as 0.7 clients and people write them: digits, optionally a fraction; no sign. */
  private static final Pattern SECONDS = Pattern.compile("(?:\\d{1,9}(?:\\.\\d{0,9})?|\\.\\d{1,9})");

  private static final Pattern TOKEN = Pattern.compile("\\d{1,19}");

  /** The parameters of a request whose query string could not be read. */
  static final Query NONE = new Query(Map.of());

  private final Map<String, String> values;

  private Query(Map<String, String> values) {
    this.values = values;
  }

  static Query parse(String rawQuery) throws Refusal {
    Map<String, String> values = new HashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        int equals = pair.indexOf('=');
        String key = equals < 0 ? pair : pair.substring(0, equals);
        String value = equals < 0 ? "" : pair.substring(equals + 1);
        try {
          values.putIfAbsent(
              URLDecoder.decode(key, StandardCharsets.UTF_8),
              URLDecoder.decode(value, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException badEscape) {
          throw Refusal.invalid(400, "malformed query string (bad %-escape)");
        }
      }
    }
    return new Query(values);
  }

  /** Whether {@code key} is given with a value that is not empty. */
  boolean has(String key) {
    String value = values.get(key);
    return value != null && !value.isEmpty();
  }

  /** The value of {@code key} as sent, unchecked; empty when not given. */
  Optional<String> raw(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** A required name (pool, host): present, not empty, and a valid name. */
  String name(String key) throws Refusal {
    String value = values.get(key);
    if (value == null || value.isEmpty()) {
      throw Refusal.invalid(400, "missing parameter '" + key + "'");
    }
    Optional<String> problem = Names.problem(key, value);
    if (problem.isPresent()) {
      throw Refusal.invalid(400, problem.get());
    }
    return value;
  }

  /** An optional number of seconds, zero allowed. */
  Optional<Duration> seconds(String key) throws Refusal {
    String value = values.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!SECONDS.matcher(value).matches()) {
      throw Refusal.invalid(400, key + " must be a number of seconds (like 30 or 2.5)");
    }
    BigDecimal millis = new BigDecimal(value).movePointRight(3);
    return Optional.of(Duration.ofMillis(millis.setScale(0, java.math.RoundingMode.CEILING).longValueExact()));
  }

  /** An optional number of seconds that must be above zero. */
  Optional<Duration> positiveSeconds(String key) throws Refusal {
    Optional<Duration> value = seconds(key);
    if (value.isPresent() && value.get().isZero()) {
      throw Refusal.invalid(400, key + " must be a number of seconds above zero");
    }
    return value;
  }

  /** An optional fencing token: a positive 64-bit integer. */
  OptionalLong token() throws Refusal {
    String value = values.get("token");
    if (value == null) {
      return OptionalLong.empty();
    }
    if (TOKEN.matcher(value).matches()) {
      try {
        long token = Long.parseLong(value);
        if (token > 0) {
          return OptionalLong.of(token);
        }
      } catch (NumberFormatException tooLarge) {
        // Falls through to the refusal below.
      }
    }
    throw Refusal.invalid(400, "token must be a positive integer");
  }

  /** The {@code mode} of a get or wait: {@code exclusive} when not given. */
  Mode mode() throws Refusal {
    String value = values.get("mode");
    if (value == null) {
      return Mode.EXCLUSIVE;
    }
    for (Mode mode : Mode.values()) {
      if (mode.label().equals(value)) {
        return mode;
      }
    }
    throw Refusal.invalid(400, "mode must be 'shared' or 'exclusive'");
  }

  /** Whether a flag such as {@code force=1} is set; {@code 0}, {@code false} and absence are not. */
  boolean flag(String key) throws Refusal {
    String value = values.get(key);
    if (value == null || value.equals("0") || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.isEmpty() || value.equals("1") || value.equalsIgnoreCase("true")) {
      return true;
    }
    throw Refusal.invalid(400, key + " must be 1 or 0");
  }
}
