package io.distributex.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The command line, parsed and checked: every way it can be wrong is a {@link UsageException}. */
record Settings(
    URI server,
    String pool,
    boolean shared,
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
  private static final long MAX_SECONDS = 999_999_999;
  private static final int MAX_NAME_BYTES = 255;

  /**
   * The options. Read by hand rather than with picocli (as the server reads its own): picocli's
   * classes are Java 5 bytecode, which neither a class-data archive (JDK 17) nor an ahead-of-time
   * cache (JDK 25) can hold, and loading and verifying them took half of the command's start-up.
   */
  private enum Option {
    HOST("HOST", "-H"),
    POOL("POOL", "-r"),
    PORT("PORT", "-p"),
    LOCAL_LOCK(null, "-l"),
    SHARED(null, "--shared"),
    WAIT("SECONDS", "-w"),
    IDENTITY("NAME", "--id"),
    LEASE("SECONDS", "--lease"),
    GRACE("SECONDS", "--grace"),
    KEEP_ON_LOSS(null, "--keep-on-loss"),
    SECRET_FILE("FILE", "--secret-file"),
    VERBOSE(null, "-v", "--verbose"),
    HELP(null, "-h", "--help"),
    VERSION(null, "-V", "--version");

    /** Null for an option without a value. */
    final String label;

    final List<String> names;

    Option(String label, String... names) {
      this.label = label;
      this.names = List.of(names);
    }

    static Option named(String name) {
      for (Option option : values()) {
        if (option.names.contains(name)) {
          return option;
        }
      }
      return null;
    }

    String describe() {
      return "'" + names.get(0) + "'" + (label == null ? "" : " (" + label + ")");
    }
  }

  /** A command line that cannot be run; the message says why, in one line. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * {@code -h} or {@code --help} ({@link #text} is the usage), or {@code -V} or {@code --version}
   * (it is {@code distributex VERSION}) was given: print it on stdout and run nothing.
   */
  static final class OnlyPrint extends Exception {
    private static final long serialVersionUID = 1L;

    final String text;

    OnlyPrint(String text) {
      super(null, null, false, false);
      this.text = text;
    }
  }

  static Settings parse(String[] args, Map<String, String> environment) throws UsageException, OnlyPrint {
    Map<Option, String> options = new EnumMap<>(Option.class);
    List<String> command = readOptions(args, options);
    if (options.containsKey(Option.HELP)) {
      throw new OnlyPrint(Usage.TEXT);
    }
    if (options.containsKey(Option.VERSION)) {
      throw new OnlyPrint("distributex " + version() + "\n");
    }
    String host = options.get(Option.HOST);
    if (host == null) {
      throw new UsageException("missing -H HOST (the Distributex server)");
    }
    if (!options.containsKey(Option.POOL)) {
      throw new UsageException("missing -r POOL");
    }
    if (command.isEmpty()) {
      throw new UsageException("missing COMMAND");
    }
    if (command.size() == 1 && command.get(0).isBlank()) {
      throw new UsageException("COMMAND is empty");
    }
    int port = options.containsKey(Option.PORT) ? port(options.get(Option.PORT)) : DEFAULT_PORT;
    String pool = name("-r POOL", options.get(Option.POOL));
    String identity = options.containsKey(Option.IDENTITY) ? name("--id NAME", options.get(Option.IDENTITY)) : null;
    Duration lease = seconds("--lease", options.getOrDefault(Option.LEASE, "15"));
    if (lease.isZero()) {
      throw new UsageException("--lease must be more than 0 seconds");
    }
    Duration grace = seconds("--grace", options.getOrDefault(Option.GRACE, "10"));
    Duration wait = options.containsKey(Option.WAIT) ? seconds("-w", options.get(Option.WAIT)) : null;
    String secret = secret(secretFile(options.get(Option.SECRET_FILE)), environment);
    String tmp = environment.get("TMPDIR");
    Path lockDirectory = Path.of(tmp == null || tmp.isEmpty() ? "/tmp" : tmp);
    return new Settings(
        server(host, port),
        pool,
        options.containsKey(Option.SHARED),
        identity,
        lease,
        grace,
        wait,
        options.containsKey(Option.LOCAL_LOCK),
        lockDirectory,
        options.containsKey(Option.KEEP_ON_LOSS),
        secret,
        options.containsKey(Option.VERBOSE),
        command);
  }

  /**
   * The version of the build that made the command's jar (its manifest's Implementation-Version),
   * or "(not built as a jar)" when the classes run from elsewhere, as in the unit tests.
   */
  private static String version() {
    String version = Settings.class.getPackage().getImplementationVersion();
    return version == null ? "(not built as a jar)" : version;
  }

  /**
   * Reads the options into {@code options} (an option without a value maps to "") and returns
   * COMMAND: everything from the first argument that is not an option on, or after {@code --}.
   * COMMAND's own options are not ours (as with env, nice or flock), so {@code distributex -H h -r
   * p ls -l} runs {@code ls -l}, and {@code @name} is an ordinary argument. The forms are
   * getopt's: {@code -H HOST}, {@code -HHOST}, {@code -H=HOST}, {@code --id NAME}, {@code
   * --id=NAME}, and flags together ({@code -lv}, {@code -lH HOST}).
   */
  private static List<String> readOptions(String[] args, Map<Option, String> options) throws UsageException {
    int next = 0;
    while (next < args.length) {
      String arg = args[next];
      if (arg.equals("--")) {
        next++;
        break;
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        break;
      }
      next++;
      if (arg.startsWith("--")) {
        int equals = arg.indexOf('=');
        Option option = Option.named(equals < 0 ? arg : arg.substring(0, equals));
        if (option == null) {
          throw new UsageException("Unknown option: '" + arg + "'");
        }
        if (option.label == null) {
          if (equals >= 0) {
            throw new UsageException("option " + option.describe() + " takes no value");
          }
          give(options, option, "");
        } else if (equals >= 0) {
          give(options, option, arg.substring(equals + 1));
        } else {
          give(options, option, value(option, args, next++));
        }
        continue;
      }
      for (int at = 1; at < arg.length(); at++) {
        Option option = Option.named("-" + arg.charAt(at));
        if (option == null) {
          throw new UsageException("Unknown option: '-" + arg.charAt(at) + "'" + (at > 1 ? " (in '" + arg + "')" : ""));
        }
        if (option.label == null) {
          give(options, option, "");
          continue;
        }
        String attached = arg.substring(at + 1);
        if (attached.isEmpty()) {
          give(options, option, value(option, args, next++));
        } else {
          give(options, option, attached.startsWith("=") ? attached.substring(1) : attached);
        }
        break;
      }
    }
    return List.of(Arrays.copyOfRange(args, next, args.length));
  }

  /** The argument at {@code at}, the value of {@code option}: there, and not one of our options. */
  private static String value(Option option, String[] args, int at) throws UsageException {
    if (at >= args.length) {
      throw new UsageException("Missing required parameter for option " + option.describe());
    }
    String value = args[at];
    if (Option.named(value) != null || (value.startsWith("--") && Option.named(value.split("=", 2)[0]) != null)) {
      throw new UsageException("Expected parameter for option " + option.describe() + " but found '" + value + "'");
    }
    return value;
  }

  private static void give(Map<Option, String> options, Option option, String value) throws UsageException {
    if (options.putIfAbsent(option, value) != null) {
      throw new UsageException("option " + option.describe() + " should be specified only once");
    }
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
    int port = text.length() <= 5 && digits(text, 0, text.length()) ? Integer.parseInt(text) : 0;
    if (port < 1 || port > 65535) {
      throw new UsageException("-p PORT must be a number from 1 to 65535, got '" + text + "'");
    }
    return port;
  }

  /**
   * Seconds as the server takes them: digits with an optional fraction ({@code 30}, {@code 2.5},
   * {@code 2.}, {@code .5}), whole milliseconds up. Read by hand: a regular expression would spin
   * method-handle classes, and {@code BigDecimal}'s set-up takes tens of milliseconds, at every
   * start.
   */
  private static Duration seconds(String option, String text) throws UsageException {
    int point = text.indexOf('.');
    int end = point < 0 ? text.length() : point;
    if (text.isEmpty() || text.equals(".") || !digits(text, 0, end) || !digits(text, end + 1, text.length())) {
      throw new UsageException(option + " must be a number of seconds (like 30 or 2.5), got '" + text + "'");
    }
    long whole = 0; // read no further once past the limit: it cannot overflow
    for (int i = 0; i < end && whole <= MAX_SECONDS; i++) {
      whole = whole * 10 + (text.charAt(i) - '0');
    }
    long millis = 0;
    boolean beyondMillis = false;
    for (int i = end + 1; i < text.length(); i++) {
      int digit = text.charAt(i) - '0';
      int place = i - end;
      if (place <= 3) {
        millis += digit * (place == 1 ? 100 : place == 2 ? 10 : 1);
      } else {
        beyondMillis |= digit != 0;
      }
    }
    if (whole > MAX_SECONDS || (whole == MAX_SECONDS && (millis > 0 || beyondMillis))) {
      throw new UsageException(option + " must be at most 999999999 seconds, got '" + text + "'");
    }
    return Duration.ofMillis(whole * 1000 + millis + (beyondMillis ? 1 : 0));
  }

  /** The server's rule for pool and host names, checked before anything is locked. */
  private static String name(String option, String value) throws UsageException {
    if (value.isEmpty()) {
      throw new UsageException(option + " must not be empty");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new UsageException(option + " must be at most " + MAX_NAME_BYTES + " bytes");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new UsageException(option + " must not contain control characters");
      }
    }
    return value;
  }

  /** True when {@code text} has only ASCII digits from {@code from} to {@code to} (none: true). */
  private static boolean digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static Path secretFile(String name) throws UsageException {
    if (name == null) {
      return null;
    }
    try {
      return Path.of(name);
    } catch (InvalidPathException invalid) {
      throw new UsageException("--secret-file " + name + ": not a file name (" + invalid.getReason() + ")");
    }
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
    for (int i = 0; i < secret.length(); i++) {
      if (secret.charAt(i) <= 0x20 || secret.charAt(i) >= 0x7f) {
        throw new UsageException(
            (file != null ? "--secret-file " + file : SECRET_VARIABLE) + ": the secret must be printable ASCII without spaces");
      }
    }
    return secret;
  }
}
