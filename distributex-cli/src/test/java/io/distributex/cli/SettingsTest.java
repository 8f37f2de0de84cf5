package io.distributex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as docs/cli.md spells it, and every way it can be wrong. */
class SettingsTest {
  private static Settings parse(String... args) throws Exception {
    return Settings.parse(args, Map.of());
  }

  private static String wrong(String... args) {
    return assertThrows(Settings.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void theCronLineOf07() throws Exception {
    Settings settings = parse("-H", "locks.example", "-r", "pool1", "puppet agent --onetime --no-daemonize");
    assertEquals(URI.create("http://locks.example:9889/"), settings.server());
    assertEquals("pool1", settings.pool());
    assertEquals(List.of("puppet agent --onetime --no-daemonize"), settings.command());
    assertNull(settings.identity(), "the machine's name, found later");
    assertNull(settings.waitLimit());
    assertEquals(Duration.ofSeconds(15), settings.lease());
    assertEquals(Duration.ofSeconds(10), settings.grace());
    assertEquals(Path.of("/tmp"), settings.lockDirectory());
    assertNull(settings.secret());
  }

  @Test
  void everyOption() throws Exception {
    Settings settings =
        Settings.parse(
            new String[] {"-H", "::1", "-p", "8000", "-r", "p", "-l", "-w", "2.5", "--id", "web1", "--lease", ".5",
                "--grace", "0", "--keep-on-loss", "-v", "--", "ls", "-l"},
            Map.of("TMPDIR", "/var/tmp", "DISTRIBUTEX_SECRET", "s3cret"));
    assertEquals(URI.create("http://[::1]:8000/"), settings.server());
    assertTrue(settings.localLock());
    assertEquals(Duration.ofMillis(2500), settings.waitLimit());
    assertEquals("web1", settings.identity());
    assertEquals(Duration.ofMillis(500), settings.lease());
    assertEquals(Duration.ZERO, settings.grace());
    assertTrue(settings.keepOnLoss());
    assertTrue(settings.verbose());
    assertEquals(List.of("ls", "-l"), settings.command());
    assertEquals(Path.of("/var/tmp"), settings.lockDirectory());
    assertEquals("s3cret", settings.secret());
  }

  @Test
  void sharedIsOffUnlessAsked() throws Exception {
    assertFalse(parse("-H", "h", "-r", "p", "true").shared());
    assertTrue(parse("-H", "h", "-r", "p", "--shared", "true").shared());
  }

  @Test
  void everythingFromCommandOnIsCommandsOwn() throws Exception {
    assertEquals(List.of("ls", "-l", "-r", "x"), parse("-H", "h", "-r", "p", "ls", "-l", "-r", "x").command());
    assertEquals(List.of("echo", "@file"), parse("-H", "h", "-r", "p", "echo", "@file").command());
    assertEquals(List.of("-x"), parse("-H", "h", "-r", "p", "--", "-x").command());
    assertEquals(List.of("-", "x"), parse("-H", "h", "-r", "p", "-", "x").command());
    assertEquals(List.of("'q'"), parse("-H", "h", "-r", "p", "'q'").command());
    assertTrue(wrong("-H", "h", "--", "-r", "p", "true").contains("-r"));
  }

  @Test
  void theGetoptForms() throws Exception {
    Settings attached = parse("-Hh", "-r=p", "--id=web1", "-lv", "true");
    assertEquals("h", attached.server().getHost());
    assertEquals("p", attached.pool());
    assertEquals("web1", attached.identity());
    assertTrue(attached.localLock() && attached.verbose());
    Settings clustered = parse("-lH", "h", "-vrp", "true");
    assertEquals("h", clustered.server().getHost());
    assertEquals("p", clustered.pool());
    assertTrue(clustered.localLock() && clustered.verbose());
    assertEquals("-x", parse("-H", "h", "-r", "p", "--id", "-x", "true").identity(), "not one of ours: a value");
  }

  @Test
  void wrongOptionsAreNamed() {
    assertEquals("Unknown option: '--ID'", wrong("--ID", "x"));
    assertEquals("Unknown option: '-x' (in '-lx')", wrong("-H", "h", "-r", "p", "-lx", "true"));
    assertEquals("Missing required parameter for option '-r' (POOL)", wrong("-H", "h", "-r"));
    assertEquals("Expected parameter for option '-H' (HOST) but found '-r'", wrong("-H", "-r", "p", "true"));
    assertEquals("Expected parameter for option '--id' (NAME) but found '--lease=3'", wrong("--id", "--lease=3"));
    assertEquals("option '-H' (HOST) should be specified only once", wrong("-H", "a", "-H", "b", "-r", "p", "true"));
    assertEquals("option '-l' should be specified only once", wrong("-l", "-l", "-H", "h", "-r", "p", "true"));
    assertEquals("option '-v' takes no value", wrong("--verbose=true", "-H", "h", "-r", "p", "true"));
  }

  @Test
  void usageErrors() {
    assertTrue(wrong().contains("-H"));
    assertTrue(wrong("-H", "h", "true").contains("-r"));
    assertTrue(wrong("-H", "h", "-r", "p").contains("COMMAND"));
    assertTrue(wrong("-H", "h", "-r", "p", "").contains("COMMAND"));
    assertTrue(wrong("-H", "h", "-r", "p", "--bogus", "true").contains("--bogus"));
    assertTrue(wrong("-H", "h", "-r", "p", "-p", "0", "true").contains("-p"));
    assertTrue(wrong("-H", "h", "-r", "p", "-p", "x", "true").contains("-p"));
    assertTrue(wrong("-H", "h", "-r", "p", "-w", "-1", "true").contains("-w"));
    assertTrue(wrong("-H", "h", "-r", "p", "-w", "1e3", "true").contains("-w"));
    assertTrue(wrong("-H", "h", "-r", "p", "--lease", "0", "true").contains("--lease"));
    assertTrue(wrong("-H", "h", "-r", "p", "--grace", "forever", "true").contains("--grace"));
    assertTrue(wrong("-H", "h h", "-r", "p", "true").contains("-H"));
    assertTrue(wrong("-H", "h", "-r", "p\n", "true").contains("-r"));
    assertTrue(wrong("-H", "h", "-r", "p", "--secret-file", "/no/such/file", "true").contains("--secret-file"));
  }

  @Test
  void secondsAreReadAsTheServerReadsThemWholeMillisecondsUp() throws Exception {
    assertEquals(Duration.ofSeconds(2), parse("-H", "h", "-r", "p", "-w", "2.", "true").waitLimit());
    assertEquals(Duration.ofMillis(2001), parse("-H", "h", "-r", "p", "-w", "2.0001", "true").waitLimit());
    assertEquals(Duration.ofMillis(50), parse("-H", "h", "-r", "p", "-w", "0.050", "true").waitLimit());
    assertEquals(Duration.ofSeconds(7), parse("-H", "h", "-r", "p", "-w", "00000000000007", "true").waitLimit());
    assertEquals(Duration.ofSeconds(999_999_999), parse("-H", "h", "-r", "p", "-w", "999999999.000", "true").waitLimit());
    assertEquals(Duration.ZERO, parse("-H", "h", "-r", "p", "-w", "0", "true").waitLimit());
    for (String wrong : new String[] {"", ".", "1.2.3", "+1", " 1", "1e3", "0x10", "999999999.0001", "1000000000"}) {
      assertTrue(wrong("-H", "h", "-r", "p", "-w", wrong, "true").contains("-w"), wrong);
    }
  }

  @Test
  void helpAndVersionWinOverMissingOptions() {
    assertEquals(Usage.TEXT, assertThrows(Settings.OnlyPrint.class, () -> parse("--help")).text);
    assertEquals(Usage.TEXT, assertThrows(Settings.OnlyPrint.class, () -> parse("-h")).text);
    assertEquals(Usage.TEXT, assertThrows(Settings.OnlyPrint.class, () -> parse("-H", "h", "-h")).text);
    assertEquals(Usage.TEXT, assertThrows(Settings.OnlyPrint.class, () -> parse("-V", "-h")).text);
    assertTrue(assertThrows(Settings.OnlyPrint.class, () -> parse("-V")).text.startsWith("distributex "));
    assertTrue(assertThrows(Settings.OnlyPrint.class, () -> parse("-r", "p", "--version")).text.startsWith("distributex "));
  }

  @Test
  void theSecretFileWinsOverTheEnvironmentAndIsItsFirstLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, "from-file\nignored\n");
    Settings settings =
        Settings.parse(new String[] {"-H", "h", "-r", "p", "--secret-file", file.toString(), "true"},
            Map.of("DISTRIBUTEX_SECRET", "from-env"));
    assertEquals("from-file", settings.secret());
  }

  @Test
  void lockFileNamesKeepPoolsApartAndInsideTheDirectory() {
    assertEquals("pool1", LocalLock.fileName("pool1"));
    assertEquals("a%2Fb", LocalLock.fileName("a/b"));
    assertEquals("a_b", LocalLock.fileName("a_b"));
    assertEquals("..", LocalLock.fileName(".."), "the prefix keeps it a plain name: distributex-...lock");
    assertEquals("caf%C3%A9", LocalLock.fileName("café"));
    assertEquals(Path.of("/tmp/distributex-a%2Fb.lock"), LocalLock.file(Path.of("/tmp"), "a/b"));
  }

  @Test
  void theTurnFileIsNamedByFnv1a128OfTheKey() {
    // The published test vector, and one worked out from FNV-1a's definition.
    assertEquals("d228cb696f1a8caf78912b704e4a8964", LocalLock.fnv1a128("a".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        Path.of("/tmp/distributex-run@68d26e5d4d11bdb6c50f7f0eba788985.lock"),
        LocalLock.turnFile(Path.of("/tmp"), URI.create("http://Locks.example:9889/"), "pool1", "web1"));
  }

  @Test
  void turnFilesAreOnePerServerPoolAndIdentity() {
    Path tmp = Path.of("/tmp");
    URI server = URI.create("http://locks.example:9889/");
    Path turn = LocalLock.turnFile(tmp, server, "pool1", "web1");
    assertEquals(tmp, turn.getParent());
    assertTrue(turn.getFileName().toString().matches("distributex-run@[0-9a-f]{32}\\.lock"), turn.toString());
    assertEquals(turn, LocalLock.turnFile(tmp, URI.create("http://LOCKS.example:9889/"), "pool1", "web1"));
    List<Path> all =
        List.of(
            turn,
            LocalLock.turnFile(tmp, URI.create("http://locks.example:9890/"), "pool1", "web1"),
            LocalLock.turnFile(tmp, URI.create("http://other.example:9889/"), "pool1", "web1"),
            LocalLock.turnFile(tmp, server, "pool2", "web1"),
            LocalLock.turnFile(tmp, server, "pool1", "web2"));
    assertEquals(all.size(), new HashSet<>(all).size(), "distinct: " + all);
  }
}
