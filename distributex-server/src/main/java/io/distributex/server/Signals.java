package io.distributex.server;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a clean stop. A JVM shutdown hook would also run on them, but the
 * process would then exit with 143 or 130; handling the signals lets the server finish its
 * answers and exit 0, which is what init systems and scripts read as a clean stop.
 */
final class Signals {
  private Signals() {}

  static void onTermination(Runnable stop) {
    Runnable once = new Runnable() {
      private boolean ran;

      @Override
      public synchronized void run() {
        if (!ran) {
          ran = true;
          stop.run();
        }
      }
    };
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> new Thread(once, "distributex-stop").start());
    }
  }
}
