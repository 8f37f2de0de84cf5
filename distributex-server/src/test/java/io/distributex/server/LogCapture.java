package io.distributex.server;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The log records of one logger (and those below it) while open, at {@code level} and above, as
 * an operator would turn them on through java.util.logging, which backs {@code System.Logger}.
 */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger;
  private final Level previous;
  private final SimpleFormatter formatter = new SimpleFormatter();
  private final List<String> lines = new ArrayList<>();

  private LogCapture(String name, Level level) {
    this.logger = Logger.getLogger(name);
    this.previous = logger.getLevel();
    setLevel(level);
    logger.setLevel(level);
    logger.addHandler(this);
  }

  static LogCapture of(String name, Level level) {
    return new LogCapture(name, level);
  }

  /** The records so far, each as its level and message, e.g. {@code FINE granted p1 to me...}. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    if (isLoggable(record)) {
      lines.add(record.getLevel() + " " + formatter.formatMessage(record));
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(previous);
  }
}
