package io.distributex.cli;

import java.io.PrintStream;
import java.util.Map;

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
  private Cli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
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
    CommandLog.verbose(settings.verbose());
    return new Runner(settings, err).run();
  }
}
