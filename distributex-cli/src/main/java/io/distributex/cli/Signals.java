package io.distributex.cli;

import sun.misc.Signal;

/**
 * Signals handled instead of their default action (the JVM's shutdown), through the JDK's
 * {@code sun.misc.Signal}, the one place that internal API is used. The handler runs on a thread
 * of the JVM's, one signal at a time.
 */
final class Signals {
  /** What to do with a signal; {@code name} as the shell spells it without "SIG": "TERM". */
  interface Handler {
    void handle(String name, int number);
  }

  private Signals() {}

  static void handle(Handler handler, String... names) {
    for (String name : names) {
      try {
        Signal.handle(new Signal(name), signal -> handler.handle(signal.getName(), signal.getNumber()));
      } catch (IllegalArgumentException unavailable) {
        // The JVM keeps this signal (-Xrs) or this OS lacks it: it keeps its default action.
        // A signal ignored when the JVM started (nohup, a background job) stays ignored.
      }
    }
  }
}
