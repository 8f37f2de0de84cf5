package io.distributex.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line, parsed and checked: every way it can be wrong is a {@link UsageException}. */
record Settings(
    URI server,
    String pool,
    String identity,
    Duration lease,
    Duration grace,
    Duration waitLimit,
    boolean localLock,
    Path lockDirectory,
    boolean keepOnLoss,
    String secret,
    boolean verbose,
    List<String> command) {

  static final int DEFAULT_PORT = 9889;
  static final String SECRET_VARIABLE = "DISTRIBUTEX_SECRET";
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(999_999_999);
  private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d*)?|\\.\\d+");
  private static final int MAX_NAME_BYTES = 255;

  /** The options as picocli fills them in; numbers stay text so their errors read alike. */
  @Command(name = "distributex")
  static final class Options {
    @Option(names = "-H", paramLabel = "HOST")
    String host;

    @Option(names = "-r", paramLabel = "POOL")
    String pool;

    @Option(names = "-p", paramLabel = "PORT")
    String port;

    @Option(names = "-l")
    boolean localLock;

    @Option(names = "-w", paramLabel = "SECONDS")
    String wait;

    @Option(names = "--id", paramLabel = "NAME")
    String identity;

    @Option(names = "--lease", paramLabel = "SECONDS")
    String lease;

    @Option(names = "--grace", paramLabel = "SECONDS")
    String grace;

    @Option(names = "--keep-on-loss")
    boolean keepOnLoss;

    @Option(names = "--secret-file", paramLabel = "FILE")
    Path secretFile;

    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true)
    boolean help;

    @Parameters(paramLabel = "COMMAND")
    List<String> command;
  }

  /** A command line that cannot be run; the message says why, in one line. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  /** {@code -h} or {@code --help} was given. */
  static final class HelpRequested extends Exception {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super(null, null, false, false);
    }
  }

  static Settings parse(String[] args, Map<String, String> environment) throws UsageException, HelpRequested {
    Options options = new Options();
    CommandLine parser =
        new CommandLine(options)
            // COMMAND's own options are not ours: everything from COMMAND on is COMMAND (like env,
            // nice, flock), so `distributex -H h -r p ls -l` runs `ls -l`.
            .setStopAtPositional(true)
            // `@name` is an ordinary argument of COMMAND, never a file of arguments to expand.
            .setExpandAtFiles(false)
            .setTrimQuotes(false);
    try {
      parser.parseArgs(args);
    } catch (CommandLine.ParameterException wrong) {
      throw new UsageException(firstLine(wrong.getMessage()));
    }
    if (options.help) {
      throw new HelpRequested();
    }
    if (options.host == null) {
      throw new UsageException("missing -H HOST (the Distributex server)");
    }
    if (options.pool == null) {
      throw new UsageException("missing -r POOL");
    }
    if (options.command == null || options.command.isEmpty()) {
      throw new UsageException("missing COMMAND");
    }
    if (options.command.size() == 1 && options.command.get(0).isBlank()) {
      throw new UsageException("COMMAND is empty");
    }
    int port = options.port == null ? DEFAULT_PORT : port(options.port);
    String pool = name("-r POOL", options.pool);
    String identity = options.identity == null ? null : name("--id NAME", options.identity);
    Duration lease = seconds("--lease", options.lease == null ? "15" : options.lease);
    if (lease.isZero()) {
      throw new UsageException("--lease must be more than 0 seconds");
    }
    Duration grace = seconds("--grace", options.grace == null ? "10" : options.grace);
    Duration wait = options.wait == null ? null : seconds("-w", options.wait);
    String secret = secret(options.secretFile, environment);
    String tmp = environment.get("TMPDIR");
    Path lockDirectory = Path.of(tmp == null || tmp.isEmpty() ? "/tmp" : tmp);
    return new Settings(
        server(options.host, port),
        pool,
        identity,
        lease,
        grace,
        wait,
        options.localLock,
        lockDirectory,
        options.keepOnLoss,
        secret,
        options.verbose,
        List.copyOf(options.command));
  }

  private static URI server(String host, int port) throws UsageException {
    if (host.isEmpty()) {
      throw new UsageException("-H HOST must not be empty");
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      URI uri = new URI("http", null, bare, port, "/", null, null);
      if (uri.getHost() == null) {
        throw new UsageException("-H HOST is not a host name or address: " + host);
      }
      return uri;
    } catch (URISyntaxException invalid) {
      throw new UsageException("-H HOST is not a host name or address: " + host);
    }
  }

  private static int port(String text) throws UsageException {
    int port = text.matches("\\d{1,5}") ? Integer.parseInt(text) : 0;
    if (port < 1 || port > 65535) {
      throw new UsageException("-p PORT must be a number from 1 to 65535, got '" + text + "'");
    }
    return port;
  }

  /** Seconds as the server takes them: digits with an optional fraction, whole milliseconds up. */
  private static Duration seconds(String option, String text) throws UsageException {
    if (!SECONDS.matcher(text).matches()) {
      throw new UsageException(option + " must be a number of seconds (like 30 or 2.5), got '" + text + "'");
    }
    BigDecimal seconds = new BigDecimal(text);
    if (seconds.compareTo(MAX_SECONDS) > 0) {
      throw new UsageException(option + " must be at most 999999999 seconds, got '" + text + "'");
    }
    BigDecimal millis = seconds.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING);
    return Duration.ofMillis(millis.longValueExact());
  }

  /** The server's rule for pool and host names, checked before anything is locked. */
  private static String name(String option, String value) throws UsageException {
    if (value.isEmpty()) {
      throw new UsageException(option + " must not be empty");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new UsageException(option + " must be at most " + MAX_NAME_BYTES + " bytes");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new UsageException(option + " must not contain control characters");
    }
    return value;
  }

  /** From --secret-file (first line), else $DISTRIBUTEX_SECRET; never from the command line. */
  private static String secret(Path file, Map<String, String> environment) throws UsageException {
    String secret;
    if (file != null) {
      try {
        secret = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
      } catch (IOException | java.io.UncheckedIOException unreadable) {
        throw new UsageException("--secret-file " + file + ": cannot read it (" + unreadable.getMessage() + ")");
      }
      if (secret.isEmpty()) {
        throw new UsageException("--secret-file " + file + ": the first line is empty");
      }
    } else {
      secret = environment.get(SECRET_VARIABLE);
      if (secret == null || secret.isEmpty()) {
        return null;
      }
    }
    if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new UsageException(
          (file != null ? "--secret-file " + file : SECRET_VARIABLE) + ": the secret must be printable ASCII without spaces");
    }
    return secret;
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }
}
