package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the real {@code bin/distributex-server} launcher as a user would, and kills (SIGKILL)
 * whatever it started that is still running after each test. Register it on an instance field.
 */
final class Launcher implements AfterEachCallback {
  static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  static final Path LAUNCHER = HOME.resolve("bin/distributex-server");
  private static final Pattern LISTENING =
      Pattern.compile("distributex listening on (https?)://([^:]+):(\\d+)");

  private final List<Process> started = new ArrayList<>();

  /** What the server printed up to its "listening" line, and where it listens. */
  record Listening(String scheme, int port, List<String> before) {}

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    for (Process process : started) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Runs the launcher in {@code workingDirectory}. */
  Process launch(Path workingDirectory, String... args) throws IOException {
    return launchWith(List.of(), "", workingDirectory, args);
  }

  /**
   * Runs the launcher behind {@code prefix} (a command such as {@code setpriv ...}), with {@code
   * javaOptions} in DISTRIBUTEX_JAVA_OPTS.
   */
  Process launchWith(List<String> prefix, String javaOptions, Path workingDirectory, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true);
    builder.environment().put("DISTRIBUTEX_JAVA_OPTS", javaOptions);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /** Reads the server's output until its "listening" line, then drains the rest in the background. */
  static Listening awaitListening(Process server) throws Exception {
    return awaitListening(server, line -> {});
  }

  /** As {@link #awaitListening(Process)}, handing every later line of the server's to {@code after}. */
  static Listening awaitListening(Process server, Consumer<String> after) throws Exception {
    OutputWatch.Found found =
        OutputWatch.watch(server.getInputStream(), LISTENING, "the server", after).get(60, TimeUnit.SECONDS);
    MatchResult listening = found.match();
    return new Listening(listening.group(1), Integer.parseInt(listening.group(3)), found.before());
  }

  /** Waits for {@code server} to stop by itself and returns what it printed. */
  static String awaitExit(Process server, int status) throws Exception {
    assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server should have stopped");
    String output = read(server);
    assertEquals(status, server.exitValue(), output);
    return output;
  }

  static String curl(String url, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
    command.addAll(List.of(options));
    command.add(url);
    Process curl = new ProcessBuilder(command).start();
    assertTrue(curl.waitFor(20, TimeUnit.SECONDS));
    String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, curl.exitValue(), "curl " + url + ": " + read(curl));
    return body;
  }

  static String read(Process process) throws IOException {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
