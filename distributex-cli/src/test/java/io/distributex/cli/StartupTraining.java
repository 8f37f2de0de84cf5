package io.distributex.cli;

import io.distributex.server.DistributexServer;
import io.distributex.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Run by the build (exec-maven-plugin, package phase): makes the start-up archives that {@code
 * bin/distributex} uses, one for each JDK 17 or newer on this machine (the build's own, the {@code
 * java} on PATH, and those in {@code /usr/lib/jvm}), each from one real run of the launcher on that
 * JDK (take a slot of an embedded server, run {@code true}, release). An archive holds every class
 * such a run loads, the JDK's HTTP client included, already parsed, verified and, on JDK 25, linked:
 *
 * <ul>
 *   <li>JDK 25 on: an ahead-of-time cache, {@code NAME.aot} ({@code -XX:AOTCacheOutput}, JEP 483
 *       and JEP 514);
 *   <li>JDK 17 to 24: a dynamic class-data sharing archive, {@code NAME.jsa} ({@code
 *       -XX:ArchiveClassesAtExit}).
 * </ul>
 *
 * <p>Each archive gets {@code NAME.jvm} beside it, written last: the {@code java.home} and {@code
 * java.runtime.version} that its JVM reports, which the launcher compares with the JVM it is about
 * to start. An archive is only ever used by the JVM that made it: each refuses the others'.
 *
 * <p>Best effort: a JDK whose training fails gets no archive (the command then starts slower on it)
 * and a warning; the build goes on.
 *
 * <p>Arguments: the launcher, the directory to write to (emptied first).
 */
public final class StartupTraining {
  /** The first JDK with {@code -XX:AOTCacheOutput}, which records and creates in one run. */
  private static final int AOT_CACHE_OUTPUT = 25;

  /** Kept: java.util.logging holds loggers weakly. */
  private static final java.util.logging.Logger SERVER_LOG = java.util.logging.Logger.getLogger("io.distributex");

  private StartupTraining() {}

  /** A JDK as it describes itself. */
  private record Jdk(Path home, String version, int feature) {}

  public static void main(String[] args) throws Exception {
    SERVER_LOG.setLevel(java.util.logging.Level.WARNING); // the build's output is no place for its log
    Path launcher = Path.of(args[0]).toAbsolutePath().normalize();
    Path directory = Path.of(args[1]).toAbsolutePath().normalize();
    empty(directory);
    try (DistributexServer server =
        DistributexServer.builder()
            .config(ConfigLoader.parse("pools:\n  - name: training\n    expire: 60\n", "startup-training.yaml"))
            .bind("127.0.0.1")
            .port(0)
            .start()) {
      Set<String> names = new LinkedHashSet<>();
      for (Path home : jdkHomes()) {
        String name = home.getFileName().toString();
        for (int n = 2; !names.add(name); n++) {
          name = home.getFileName() + "-" + n;
        }
        train(launcher, server.address().getPort(), home, directory, name);
      }
    }
  }

  /**
   * The real homes of the JDKs that the launcher may run: the build's, the one on PATH, and
   * Debian's and Red Hat's usual place for the others.
   */
  private static Set<Path> jdkHomes() throws IOException {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(System.getProperty("java.home")));
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path java = Path.of(directory.isEmpty() ? "." : directory, "java");
      if (Files.isExecutable(java)) {
        candidates.add(java.toRealPath().getParent().getParent());
        break;
      }
    }
    Path shared = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(shared)) {
      try (Stream<Path> homes = Files.list(shared)) {
        homes.sorted().forEach(candidates::add);
      }
    }
    Set<Path> homes = new LinkedHashSet<>();
    for (Path candidate : candidates) {
      Path java = candidate.resolve("bin/java");
      if (Files.isExecutable(java)) {
        homes.add(java.toRealPath().getParent().getParent());
      }
    }
    return homes;
  }

  private static void train(Path launcher, int port, Path home, Path directory, String name) throws IOException {
    Path log = directory.resolve(name + ".log");
    Path partial = directory.resolve(name + ".partial");
    try {
      Jdk jdk = describe(home, log);
      if (jdk.feature() < 17) {
        Files.deleteIfExists(log);
        return; // cannot run the command's bytecode
      }
      boolean aot = jdk.feature() >= AOT_CACHE_OUTPUT;
      Path archive = directory.resolve(name + (aot ? ".aot" : ".jsa"));
      ProcessBuilder run =
          new ProcessBuilder(
                  List.of(
                      launcher.toString(),
                      "-H", "127.0.0.1",
                      "-p", Integer.toString(port),
                      "-r", "training",
                      "-l",
                      "true"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      run.environment().put("JAVA_HOME", jdk.home().toString());
      run.environment()
          .put("DISTRIBUTEX_JAVA_OPTS", (aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + partial);
      run.environment().put("TMPDIR", directory.toString());
      Process process = run.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        warn(jdk, log, "the training run did not end within 120 s");
        return;
      }
      if (process.exitValue() != 0 || !Files.isRegularFile(partial)) {
        warn(jdk, log, "the training run exited with status " + process.exitValue());
        return;
      }
      // Renamed only when complete, the stamp last: a launcher never maps a half-written archive.
      Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
      Path stamp = directory.resolve(name + ".jvm");
      Path stampPartial = directory.resolve(name + ".jvm.partial");
      Files.writeString(stampPartial, jdk.home() + "\n" + jdk.version() + "\n", StandardCharsets.UTF_8);
      Files.move(stampPartial, stamp, StandardCopyOption.ATOMIC_MOVE);
      Files.delete(log);
      System.out.println(
          "[INFO] distributex: " + (aot ? "ahead-of-time cache " : "class-data sharing archive ") + archive
              + " for " + jdk.version() + " (" + jdk.home() + ")");
    } catch (IOException | RuntimeException failed) {
      System.out.println("[WARNING] distributex: no start-up archive for " + home + ": " + failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** What the JDK at {@code home} says it is ({@code -XshowSettings:properties}). */
  private static Jdk describe(Path home, Path log) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(home.resolve("bin/java").toString(), "-XshowSettings:properties", "-version")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(home + "/bin/java -version did not end within 60 s");
    }
    Map<String, String> properties = new HashMap<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      int equals = line.indexOf(" = ");
      if (equals > 0) {
        properties.put(line.substring(0, equals).strip(), line.substring(equals + 3).strip());
      }
    }
    String javaHome = properties.get("java.home");
    String version = properties.get("java.runtime.version");
    String specification = properties.get("java.specification.version");
    if (javaHome == null || version == null || specification == null) {
      throw new IOException(home + "/bin/java does not tell its java.home and version");
    }
    int feature = specification.startsWith("1.") ? 8 : Integer.parseInt(specification);
    return new Jdk(Path.of(javaHome), version, feature);
  }

  private static void empty(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      try (Stream<Path> files = Files.list(directory)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.delete(file);
        }
      }
    }
    Files.createDirectories(directory);
  }

  private static void warn(Jdk jdk, Path log, String why) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    System.out.println(
        "[WARNING] distributex: no start-up archive for " + jdk.version() + " (" + jdk.home()
            + "; the command will start slower on it): " + why + "; its output: " + log
            + (lines.isEmpty() ? "" : ", ending: " + lines.get(lines.size() - 1)));
  }
}
