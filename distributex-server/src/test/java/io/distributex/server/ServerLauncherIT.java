package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code bin/distributex-server} launcher, as a user would, and talks to it. */
@Timeout(120)
class ServerLauncherIT {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  private static final Path LAUNCHER = HOME.resolve("bin/distributex-server");
  private static final Pattern LISTENING =
      Pattern.compile("distributex listening on http://([^:]+):(\\d+)");

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopServers() throws InterruptedException {
    for (Process process : started) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theShippedConfigurationServesThe07CurlSession() throws Exception {
    Process server = launch(HOME, "-p", "0");
    int port = awaitListening(server);
    String base = "http://localhost:" + port;
    assertEquals("YES", curl(base + "/get/?host=me&pool=pool1"));
    assertEquals("NO", curl(base + "/get/?host=them&pool=pool1"));
    assertEquals("OK", curl(base + "/release/?host=me&pool=pool1"));
    assertEquals("YES", curl(base + "/get/?host=them&pool=pool1"));
    assertEquals("OK", curl(base + "/release/?host=them&pool=pool1"));
    assertEquals("YES", curl(base + "/get/?host=me&pool=pool2"));

    server.destroy();
    assertTrue(server.waitFor(10, TimeUnit.SECONDS), "SIGTERM should stop the server");
    assertEquals(0, server.exitValue(), "a SIGTERM stop is a clean stop");
  }

  @Test
  void withoutAConfigurationFileItServesTheDefaultPool(@TempDir Path empty) throws Exception {
    Process server = launch(empty, "-p", "0", "-b", "127.0.0.1");
    int port = awaitListening(server);
    assertEquals("YES", curl("http://127.0.0.1:" + port + "/get?host=me&pool=default"));
    assertEquals("INVALID: unknown pool 'pool1'", curl("http://127.0.0.1:" + port + "/get?host=me&pool=pool1"));
    server.destroy();
    assertTrue(server.waitFor(10, TimeUnit.SECONDS));
  }

  @Test
  void aBadConfigurationStopsItBeforeItListensWithStatus2(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "port: 9889\npools:\n  - name: p\n    maxlocks: 0\n");
    Process server = launch(dir, "-c", config.toString(), "-p", "0");
    assertTrue(server.waitFor(60, TimeUnit.SECONDS));
    String output = read(server);
    assertEquals(2, server.exitValue(), output);
    assertTrue(output.contains("bad.yaml:4"), output);
    assertTrue(output.contains("maxlocks"), output);
    assertTrue(!output.contains("listening"), output);
  }

  @Test
  void aMissingConfigurationFileIsStatus2(@TempDir Path dir) throws Exception {
    Process server = launch(dir, "-c", "nope.yaml", "-p", "0");
    assertTrue(server.waitFor(60, TimeUnit.SECONDS));
    String output = read(server);
    assertEquals(2, server.exitValue(), output);
    assertTrue(output.contains("nope.yaml"), output);
  }

  private Process launch(Path workingDirectory, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
    started.add(process);
    return process;
  }

  /** Reads the server's output until its "listening" line; returns the port. */
  private static int awaitListening(Process server) throws Exception {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  Matcher listening = LISTENING.matcher(line);
                  if (listening.find()) {
                    return Integer.parseInt(listening.group(2));
                  }
                }
              } catch (IOException closed) {
                throw new IllegalStateException(closed);
              }
              throw new IllegalStateException("the server ended without listening");
            });
    int found = port.get(60, TimeUnit.SECONDS);
    // Keep draining so the server never blocks on a full pipe.
    CompletableFuture.runAsync(() -> lines.lines().forEach(line -> {}));
    return found;
  }

  private static String curl(String url) throws Exception {
    Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "10", url).start();
    assertTrue(curl.waitFor(20, TimeUnit.SECONDS));
    String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, curl.exitValue(), "curl " + url + ": " + read(curl));
    return body;
  }

  private static String read(Process process) throws IOException {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
