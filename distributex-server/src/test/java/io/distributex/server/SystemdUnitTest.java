package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped unit {@code dist/systemd/distributex.service} is one systemd accepts ({@code
 * systemd-analyze verify}, which fails on CI when missing and is skipped elsewhere), and it keeps
 * its hardening and restart policy.
 */
class SystemdUnitTest {
  private static final Path UNIT = Launcher.HOME.resolve("dist/systemd/distributex.service");
  private static final String INSTALLED = "/opt/distributex/";

  @Test
  void systemdAcceptsTheUnitAsItWouldRunThisCheckout(@TempDir Path dir) throws Exception {
    Path systemdAnalyze = ServerTestSupport.program("systemd-analyze");
    // verify checks that ExecStart's program exists, and the unit names where it is installed,
    // which a build machine lacks: the copy verified differs in that directory only.
    String shipped = Files.readString(UNIT, StandardCharsets.UTF_8);
    assertTrue(shipped.contains("ExecStart=" + INSTALLED + "bin/distributex-server "), shipped);
    Path copy = dir.resolve("distributex.service");
    Files.writeString(copy, shipped.replace(INSTALLED, Launcher.HOME + "/"), StandardCharsets.UTF_8);

    Process verify =
        new ProcessBuilder(systemdAnalyze.toString(), "verify", "--man=no", copy.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(verify.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify did not finish");
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, verify.exitValue(), output);
    // An unknown key or a bad value is only a warning: no line may be about the unit.
    String aboutTheUnit =
        output.lines().filter(line -> line.contains("distributex.service")).collect(Collectors.joining("\n"));
    assertEquals("", aboutTheUnit);
  }

  @Test
  void theUnitIsHardenedAndRestartsOnFailureOnly() throws Exception {
    List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
    for (String setting :
        List.of(
            "ExecStart=/opt/distributex/bin/distributex-server -c /etc/distributex/distributex.yaml",
            "DynamicUser=yes",
            "StateDirectory=distributex",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "Restart=on-failure",
            "RestartPreventExitStatus=2 64",
            "KillSignal=SIGTERM",
            "LimitNOFILE=65536")) {
      assertTrue(lines.contains(setting), "missing: " + setting);
    }
  }
}
