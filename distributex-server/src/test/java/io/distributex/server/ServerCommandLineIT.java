package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/distributex-server}'s command line: its version, a bad command line (exit
 * 64, apart from a bad configuration's 2), and secrets given outside the configuration file.
 */
@Timeout(120)
class ServerCommandLineIT {
  /** Runs what follows with stderr dropped: what is left is stdout. */
  private static final List<String> STDOUT_ONLY = List.of("sh", "-c", "exec \"$@\" 2>/dev/null", "sh");
  /** Runs what follows with stdout dropped: what is left is stderr. */
  private static final List<String> STDERR_ONLY = List.of("sh", "-c", "exec \"$@\" >/dev/null", "sh");

  @RegisterExtension final Launcher launcher = new Launcher();

  @Test
  void theVersionIsTheBuildsOnStdout(@TempDir Path dir) throws Exception {
    for (String option : List.of("--version", "-V")) {
      Process server = launcher.launchWith(STDOUT_ONLY, "", dir, option);
      assertEquals(
          "distributex-server " + System.getProperty("distributex.version") + "\n",
          Launcher.awaitExit(server, 0));
    }
  }

  @Test
  void aBadCommandLineIs64WithOneLineOfUsageOnStderr(@TempDir Path dir) throws Exception {
    List<List<String>> wrong =
        List.of(
            List.of("--no-such-option"),
            List.of("-p"),
            List.of("-p", "nine"),
            List.of("-p", "70000"),
            List.of("-c", "distributex.yaml", "extra"));
    for (List<String> args : wrong) {
      Process server = launcher.launchWith(STDERR_ONLY, "", dir, args.toArray(String[]::new));
      String stderr = Launcher.awaitExit(server, 64);
      assertTrue(stderr.startsWith("distributex-server: "), args + ": " + stderr);
      assertTrue(stderr.endsWith(" (usage: distributex-server [-c FILE] [-p PORT] [-b ADDRESS])\n"), args + ": " + stderr);
      assertEquals(1, stderr.lines().count(), args + ": " + stderr);
    }
  }

  @Test
  void secretsComeFromTheEnvironmentAndFilesAndAMissingOneIs2(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("admin-secret"), "admin-s3cret\n");
    Path config =
        Files.writeString(
            dir.resolve("distributex.yaml"),
            "auth:\n  secret: {env: TEST_SHARED_SECRET}\n  admin: {file: admin-secret}\n"
                + "pools:\n  - name: p\n");

    Process missing = launcher.launch(dir, "-c", config.toString(), "-p", "0", "-b", "127.0.0.1");
    String refused = Launcher.awaitExit(missing, 2);
    assertTrue(refused.contains(config + ":2: auth.secret.env: environment variable TEST_SHARED_SECRET is not set"), refused);

    Process server =
        launcher.launchWith(
            List.of("env", "TEST_SHARED_SECRET=shared-s3cret"), "", dir, "-c", config.toString(), "-p", "0", "-b", "127.0.0.1");
    Launcher.Listening listening = Launcher.awaitListening(server);
    assertFalse(String.join("\n", listening.before()).contains("s3cret"), listening.before().toString());
    String base = "http://127.0.0.1:" + listening.port();
    assertEquals("INVALID: authentication required", Launcher.curl(base + "/get/?pool=p&host=me"));
    assertEquals("YES", Launcher.curl(base + "/get/?pool=p&host=me", "-H", "Authorization: Bearer shared-s3cret"));
    assertEquals(
        "OK", Launcher.curl(base + "/release/?pool=p&host=me&force=1", "-H", "Authorization: Bearer admin-s3cret"));
    server.destroy();
    assertTrue(server.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, server.exitValue());
  }
}
