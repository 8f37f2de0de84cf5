package io.distributex.client;

import java.util.ResourceBundle;

/**
 * A {@link System.Logger} looked up at its first use rather than when its class is loaded: the
 * lookup searches for a logging back end (a service-loader scan, {@code java.util.logging}'s
 * set-up) and cost the {@code distributex} command, a process that lives for one call or two and
 * usually logs nothing, about 40 ms of its start-up.
 *
 * <p>It is a {@code System.Logger} itself so that the JDK's back ends, which skip the frames of
 * {@code System.Logger} implementations when they look for the caller, name the class that logged
 * as the record's source, not this one.
 */
final class LazyLogger implements System.Logger {
  private final String name;
  private volatile System.Logger logger;

  LazyLogger(Class<?> owner) {
    this.name = owner.getName();
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public boolean isLoggable(Level level) {
    return logger().isLoggable(level);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
    logger().log(level, bundle, message, thrown);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... parameters) {
    logger().log(level, bundle, format, parameters);
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
