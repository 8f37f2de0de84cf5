package io.distributex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/distributex} starts a JVM with the start-up archive that the build made for that very
 * JVM, and with none when the only one is another JVM's or older than the jar (docs/performance.md,
 * start-up time). What the launcher chose shows in {@code -XX:+PrintCommandLineFlags}.
 */
class StartupArchiveIT {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));

  @TempDir Path dir;

  @Test
  void theJvmUnderTestGetsTheArchiveTheBuildMadeForIt() throws Exception {
    String kind = Runtime.version().feature() >= 25 ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
    String flags = flagsOf(HOME);
    assertTrue(flags.contains(kind + HOME.resolve("distributex-cli/target/startup")), flags);
  }

  @Test
  void throughASymbolicLinkWithJavaFromThePathTheArchiveIsFoundAndMappedWhereMade() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("distributex"), HOME.resolve("bin/distributex"));
    String kind = Runtime.version().feature() >= 25 ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
    String flags = flagsOf(link, null);
    assertTrue(flags.contains(kind + HOME.resolve("distributex-cli/target/startup")), flags);
    assertTrue(flags.contains("-XX:ArchiveRelocationMode=0"), flags);
  }

  @Test
  void anotherJvmsArchiveOrOneOlderThanTheJarIsNotUsed() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("bin"));
    Files.copy(HOME.resolve("bin/distributex"), home.resolve("bin/distributex"), StandardCopyOption.COPY_ATTRIBUTES);
    copyTree(HOME.resolve("distributex-cli/target/startup"), home.resolve("distributex-cli/target/startup"));
    Path jar = home.resolve("distributex-cli/target/distributex.jar");
    Files.copy(HOME.resolve("distributex-cli/target/distributex.jar"), jar, StandardCopyOption.COPY_ATTRIBUTES);
    Path stamp = stampOf(home.resolve("distributex-cli/target/startup"));
    List<String> made = Files.readAllLines(stamp, StandardCharsets.UTF_8);
    assertTrue(flagsOf(home).contains("/startup/"), "the copy as made is used");

    Files.write(stamp, List.of(made.get(0), made.get(1) + "-another-build"), StandardCharsets.UTF_8);
    assertFalse(flagsOf(home).contains("/startup/"), "made by another version of this JDK");
    Files.write(stamp, List.of(JAVA_HOME.resolve("elsewhere").toString(), made.get(1)), StandardCharsets.UTF_8);
    assertFalse(flagsOf(home).contains("/startup/"), "made by a JDK elsewhere");

    Files.write(stamp, made, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
    assertFalse(flagsOf(home).contains("/startup/"), "older than the jar");
  }

  /** The JVM flags the launcher in {@code home} starts this JDK with ({@code --help}: no server). */
  private String flagsOf(Path home) throws IOException, InterruptedException {
    return flagsOf(home.resolve("bin/distributex"), JAVA_HOME);
  }

  /**
   * The JVM flags {@code launcher} starts a JVM with: this JDK's, named by {@code JAVA_HOME}, or
   * when {@code javaHome} is null found first on {@code PATH}.
   */
  private String flagsOf(Path launcher, Path javaHome) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "flags", ".out");
    ProcessBuilder run =
        new ProcessBuilder(launcher.toString(), "--help")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    if (javaHome != null) {
      run.environment().put("JAVA_HOME", javaHome.toString());
    } else {
      run.environment().remove("JAVA_HOME");
      run.environment().put("PATH", JAVA_HOME.resolve("bin") + ":/usr/bin:/bin");
    }
    run.environment().put("DISTRIBUTEX_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    Process process = run.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    String output = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    return output.lines().filter(line -> line.startsWith("-XX:")).findFirst().orElse(output);
  }

  /** The stamp naming the JDK under test. */
  private static Path stampOf(Path startup) throws IOException {
    try (Stream<Path> files = Files.list(startup)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (file.toString().endsWith(".jvm")
            && Files.readAllLines(file, StandardCharsets.UTF_8).get(0).equals(JAVA_HOME.toString())) {
          return file;
        }
      }
    }
    throw new AssertionError("the build made no archive for " + JAVA_HOME + " in " + startup);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
