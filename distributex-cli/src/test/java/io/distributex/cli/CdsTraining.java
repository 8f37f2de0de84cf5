package io.distributex.cli;

import io.distributex.server.DistributexServer;
import io.distributex.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run by the build (exec-maven-plugin, package phase): makes the class-data sharing archive that
 * {@code bin/distributex} starts with, from one real run of the launcher (take a slot of an
 * embedded server, run {@code true}, release) with {@code -XX:ArchiveClassesAtExit}. The archive
 * then holds every class such a run loads, the JDK's HTTP client included, already parsed and
 * verified.
 *
 * <p>Best effort: any failure leaves no archive (the command then starts slower) and a warning;
 * the build goes on.
 *
 * <p>Arguments: the launcher, the archive to write.
 */
public final class CdsTraining {
  /** Kept: java.util.logging holds loggers weakly. */
  private static final java.util.logging.Logger SERVER_LOG = java.util.logging.Logger.getLogger("io.distributex");

  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    SERVER_LOG.setLevel(java.util.logging.Level.WARNING); // the build's output is no place for its log
    Path launcher = Path.of(args[0]).toAbsolutePath().normalize();
    Path archive = Path.of(args[1]).toAbsolutePath().normalize();
    Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
    Files.deleteIfExists(archive);
    Files.deleteIfExists(partial);
    try (DistributexServer server =
        DistributexServer.builder()
            .config(ConfigLoader.parse("pools:\n  - name: training\n    expire: 60\n", "cds-training.yaml"))
            .bind("127.0.0.1")
            .port(0)
            .start()) {
      ProcessBuilder run =
          new ProcessBuilder(
                  List.of(
                      launcher.toString(),
                      "-H", "127.0.0.1",
                      "-p", Integer.toString(server.address().getPort()),
                      "-r", "training",
                      "-l",
                      "true"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.INHERIT);
      run.environment().put("DISTRIBUTEX_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + partial);
      run.environment().put("TMPDIR", archive.getParent().toString());
      Process process = run.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        warn("the training run did not end within 120 s");
        return;
      }
      if (process.exitValue() != 0 || !Files.isRegularFile(partial)) {
        warn("the training run exited with status " + process.exitValue());
        return;
      }
      // Renamed only when complete: a launcher never maps a half-written archive.
      Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      System.out.println("[INFO] distributex: class-data sharing archive " + archive);
    } catch (Exception failed) {
      warn(failed.toString());
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static void warn(String why) {
    System.out.println("[WARNING] distributex: no class-data sharing archive (the command will start slower): " + why);
  }
}
