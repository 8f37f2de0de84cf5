package io.distributex.server;

import io.distributex.core.JournalException;
import io.distributex.server.config.ConfigException;
import io.distributex.server.config.ConfigLoader;
import io.distributex.server.config.DistributexConfig;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code distributex-server} command (docs/cli.md): loads the configuration,
 * listens, prints {@code distributex listening on http://ADDRESS:PORT} ({@code https} with TLS),
 * and stops cleanly (exit status 0) on SIGTERM or SIGINT. A bad configuration file, or a keystore
 * it cannot read, or a journal it cannot use, stops it before it listens, with exit status 2 and
 * one line saying what is wrong. A bad command line (an unknown option, a missing or bad value)
 * stops it with exit status 64 (sysexits' EX_USAGE) and one line of usage. {@code --version}
 * prints the version of the build that made its jar.
 * Log records are written one per line on stderr, unless the operator chose another format.
 */
@Command(
    name = "distributex-server",
    mixinStandardHelpOptions = true,
    versionProvider = Main.BuildVersion.class,
    description = "Serve Distributex lock pools over HTTP.")
public final class Main implements Callable<Integer> {
  static final int CONFIG_ERROR = 2;
  static final int CANNOT_LISTEN = 1;
  static final int USAGE = 64;
  private static final String SYNOPSIS = "distributex-server [-c FILE] [-p PORT] [-b ADDRESS]";
  private static final Path DEFAULT_CONFIG = Path.of("distributex.yaml");
  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "configuration file (default: ./distributex.yaml when present, else one pool 'default')")
  private Path config;

  private Integer port;

  @Option(
      names = {"-b", "--bind"},
      paramLabel = "ADDRESS",
      description = "address to listen on (default: the file's, else 0.0.0.0)")
  private String bind;

  @Spec private CommandSpec spec;

  private final CountDownLatch stopped = new CountDownLatch(1);

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "port to listen on, 0 for any free port (default: the file's, else 9889)")
  private void port(int value) {
    if (value < 0 || value > 65535) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--port': " + value + " is not a port (0 to 65535)");
    }
    port = value;
  }

  public static void main(String[] args) {
    if (System.getProperty(LOG_FORMAT) == null) {
      System.setProperty(LOG_FORMAT, "%1$tF %1$tT %4$s %5$s%6$s%n");
    }
    System.exit(
        new CommandLine(new Main()).setParameterExceptionHandler(Main::usageError).execute(args));
  }

  /** A bad command line: one line on stderr, exit status 64, as the {@code distributex} command. */
  private static int usageError(ParameterException wrong, String[] args) {
    System.err.println("distributex-server: " + wrong.getMessage() + " (usage: " + SYNOPSIS + ")");
    System.err.flush();
    return USAGE;
  }

  /** {@code distributex-server VERSION}: the version the build wrote in the jar's manifest. */
  static final class BuildVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"distributex-server " + (version == null ? "(not built as a jar)" : version)};
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = new PrintWriter(System.err, true);
    DistributexConfig settings;
    try {
      settings = settings();
    } catch (ConfigException invalid) {
      err.println("distributex-server: " + invalid.getMessage());
      return CONFIG_ERROR;
    }
    DistributexServer server;
    try {
      server = DistributexServer.builder().config(settings).start();
    } catch (IllegalStateException | JournalException unusable) {
      err.println("distributex-server: " + unusable.getMessage());
      return CONFIG_ERROR;
    } catch (UncheckedIOException cannotListen) {
      err.println("distributex-server: " + cannotListen.getMessage());
      return CANNOT_LISTEN;
    }
    Signals.onTermination(
        () -> {
          server.close();
          stopped.countDown();
        });
    System.out.println(
        "distributex listening on " + server.uri().getScheme() + "://" + settings.bind() + ":"
            + server.address().getPort());
    System.out.flush();
    stopped.await();
    return 0;
  }

  private DistributexConfig settings() throws ConfigException {
    DistributexConfig loaded;
    if (config != null) {
      loaded = ConfigLoader.load(config);
    } else if (Files.exists(DEFAULT_CONFIG)) {
      loaded = ConfigLoader.load(DEFAULT_CONFIG);
    } else {
      loaded = DistributexConfig.defaults();
    }
    if (port != null) {
      loaded = loaded.withPort(port);
    }
    if (bind != null) {
      loaded = loaded.withBind(bind);
    }
    return loaded;
  }
}
