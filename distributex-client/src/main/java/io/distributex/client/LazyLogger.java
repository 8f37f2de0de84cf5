package io.distributex.client;

import java.lang.System.Logger.Level;

/**
 * A {@link System.Logger} looked up at its first message rather than when its class is loaded:
 * the lookup searches for a logging back end (a service-loader scan, {@code java.util.logging}'s
 * set-up) and cost the {@code distributex} command, a process that lives for one call or two and
 * usually logs nothing, about 40 ms of its start-up.
 */
final class LazyLogger {
  private final String name;
  private volatile System.Logger logger;

  LazyLogger(Class<?> owner) {
    this.name = owner.getName();
  }

  void log(Level level, String format, Object... parameters) {
    logger().log(level, format, parameters);
  }

  void log(Level level, String message, Throwable thrown) {
    logger().log(level, message, thrown);
  }

  private System.Logger logger() {
    System.Logger found = logger;
    if (found == null) {
      found = System.getLogger(name);
      logger = found;
    }
    return found;
  }
}
