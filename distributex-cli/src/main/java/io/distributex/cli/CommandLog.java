package io.distributex.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * Where {@code System.Logger} messages go in the command (found by the JVM through {@code
 * META-INF/services}): to stderr, one line each, {@code distributex: LEVEL: message}. The client
 * library's ({@code io.distributex...}) only with {@code -v}, since the command says what matters
 * in its own words; the JDK's from {@code INFO} up. Levels are named as {@code java.util.logging}
 * names them ({@code ERROR} is {@code SEVERE}).
 *
 * <p>It stands in for {@code java.util.logging}, whose set-up (its {@code LogManager}, the
 * properties file, the handlers) cost the command about 25 ms of its start-up. Public only because
 * the JVM's service loader requires it.
 */
public final class CommandLog extends System.LoggerFinder {
  private static volatile boolean verbose;

  /** Called by the JVM's service loader. */
  public CommandLog() {}

  /** With {@code -v}: the client library's messages from {@code INFO} up are printed too. */
  static void verbose(boolean on) {
    verbose = on;
  }

  @Override
  public System.Logger getLogger(String name, Module module) {
    return new Line(name);
  }

  /** One logger: prints on stderr what is loggable. */
  private static final class Line implements System.Logger {
    private final String name;
    private final boolean library;

    Line(String name) {
      this.name = name;
      this.library = name.startsWith("io.distributex");
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level != Level.OFF && level.getSeverity() >= Level.INFO.getSeverity() && (!library || verbose);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
      if (isLoggable(level)) {
        print(level, message, thrown);
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... parameters) {
      if (isLoggable(level)) {
        print(level, parameters == null || parameters.length == 0 ? format : MessageFormat.format(format, parameters), null);
      }
    }

    private static void print(Level level, String message, Throwable thrown) {
      StringBuilder line =
          new StringBuilder("distributex: ").append(level == Level.ERROR ? "SEVERE" : level.getName()).append(": ").append(message);
      if (thrown != null) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        line.append(System.lineSeparator()).append(trace);
      }
      System.err.println(line);
      System.err.flush();
    }
  }
}
