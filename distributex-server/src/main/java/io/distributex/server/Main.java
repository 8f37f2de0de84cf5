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
import picocli.CommandLine.Option;

/**
 * The {@code distributex-server} command (docs/cli.md): loads the configuration,
 * listens, prints {@code distributex listening on http://ADDRESS:PORT} ({@code https} with TLS),
 * and stops cleanly (exit status 0) on SIGTERM or SIGINT. A bad configuration file, or a keystore
 * it cannot read, or a journal it cannot use, stops it before it listens, with exit status 2 and
 * one line saying what is wrong.
 * Log records are written one per line on stderr, unless the operator chose another format.
 */
@Command(
    name = "distributex-server",
    mixinStandardHelpOptions = true,
    version = "distributex-server 1.0.0",
    description = "Serve Distributex lock pools over HTTP.")
public final class Main implements Callable<Integer> {
  static final int CONFIG_ERROR = 2;
  static final int CANNOT_LISTEN = 1;
  private static final Path DEFAULT_CONFIG = Path.of("distributex.yaml");
  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "configuration file (default: ./distributex.yaml when present, else one pool 'default')")
  private Path config;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "port to listen on, 0 for any free port (default: the file's, else 9889)")
  private Integer port;

  @Option(
      names = {"-b", "--bind"},
      paramLabel = "ADDRESS",
      description = "address to listen on (default: the file's, else 0.0.0.0)")
  private String bind;

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    if (System.getProperty(LOG_FORMAT) == null) {
      System.setProperty(LOG_FORMAT, "%1$tF %1$tT %4$s %5$s%6$s%n");
    }
    System.exit(new CommandLine(new Main()).execute(args));
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
