package io.distributex.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code distributex} command (docs/cli.md): waits for a slot of a pool, runs a
 * command while holding it, and exits with the command's exit status.
 *
 * <pre>
 * distributex -H locks.example -r pool1 'puppet agent --onetime --no-daemonize'
 * </pre>
 *
 * <p>Exit statuses other than the command's own are in {@link Exit}; the options in {@link
 * Usage}.
 */
public final class Cli {
  /** Keeps the library's loggers configured: java.util.logging holds loggers weakly. */
  private static Logger libraryLogger;

  private Cli() {}

  public static void main(String[] args) {
    // Set before java.util.logging first formats anything: one line per message with -v.
    System.setProperty("java.util.logging.SimpleFormatter.format", "distributex: %4$s: %5$s%6$s%n");
    int status = run(args, System.getenv(), System.out, System.err);
    endHttpSelectors();
    System.exit(status);
  }

  /**
   * Ends the selector threads of the JDK's HTTP clients, which are done with by now.
   *
   * <p>JDK 17's {@code HttpClient} has no {@code close()}: its selector thread stays blocked in
   * epoll (native code) until the client is garbage collected, and on exit the JVM waits up to
   * 300 ms for threads in native code ({@code VM_Exit::wait_for_threads_in_native_to_block},
   * configurable only from JDK 22 on, JDK-8314243): that alone was a third of a run's time. An
   * interrupt wakes the selector, and its loop ends when interrupted. Should a later JDK name the
   * thread otherwise, this finds nothing and the run is only slower.
   */
  private static void endHttpSelectors() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int count = root.enumerate(threads, true);
    for (int i = 0; i < count; i++) {
      Thread thread = threads[i];
      if (thread.getName().startsWith("HttpClient-") && thread.getName().endsWith("-SelectorManager")) {
        thread.interrupt();
        try {
          thread.join(200);
        } catch (InterruptedException exiting) {
          return; // only a faster exit is lost: the rest of the selectors stay as they are
        }
      }
    }
  }

  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    Settings settings;
    try {
      settings = Settings.parse(args, environment);
    } catch (Settings.OnlyPrint text) {
      out.print(text.text);
      out.flush();
      return Exit.OK;
    } catch (Settings.UsageException wrong) {
      err.println("distributex: " + wrong.getMessage());
      err.print(Usage.TEXT);
      err.flush();
      return Exit.USAGE;
    }
    quietLibrary(settings.verbose());
    return new Runner(settings, err).run();
  }

  /**
   * The client library reports renewal failures and losses through System.Logger; the command
   * says what matters in its own words, so the library speaks only with {@code -v}.
   */
  private static void quietLibrary(boolean verbose) {
    libraryLogger = Logger.getLogger("io.distributex");
    libraryLogger.setLevel(verbose ? Level.INFO : Level.OFF);
  }
}
