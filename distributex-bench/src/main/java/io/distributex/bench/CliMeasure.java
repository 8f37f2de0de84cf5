package io.distributex.bench;

import io.distributex.server.DistributexServer;
import io.distributex.testing.Await;
import io.distributex.testing.RawHttpConnection;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code cli}: wall time from start to exit of {@code bin/distributex -H 127.0.0.1 -p PORT -r pool
 * true} against an idle in-process server, against a bare JVM start in the same rounds ({@code
 * java -Xshare:auto -cp DIR EmptyMain}, DIR holding that one class), alternated after one warm-up
 * each: the difference is ours. Each JDK named with {@code --jdk} (by default the one running the
 * benchmark) runs the command ({@code JAVA_HOME} set to it) and the bare JVM in every round, so
 * that two JDKs are compared under the same load. The first JDK's warm-up is a check that the
 * command really waits for the lock: with the pool held by another host it queues (seen in {@code
 * /status}) and exits 0 only after that host releases. Not available, without failing the run,
 * while {@code bin/distributex} or its jar is not built.
 *
 * <p>Not a JMH benchmark: what it times is a process, from its start to its exit, each run a new
 * one, which JMH's timing of a method inside its own JVM cannot see.
 */
final class CliMeasure implements Measure {
  private static final String YAML = "pools:\n  - name: pool\n    maxlocks: 1\n    expire: 0\n";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(20);

  /** The JDKs (their homes) to run the command and the bare JVM on. */
  private final List<Path> jdks;

  /** @param jdks the JDK homes to measure on; empty: the JDK running the benchmark */
  CliMeasure(List<Path> jdks) {
    this.jdks = jdks.isEmpty() ? List.of(Path.of(System.getProperty("java.home"))) : List.copyOf(jdks);
  }

  @Override
  public String name() {
    return "cli";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    String m = name();
    Path home = Home.dir();
    Path launcher = home.resolve("bin/distributex");
    Path jar = home.resolve("distributex-cli/target/distributex.jar");
    if (!Files.isExecutable(launcher)) {
      report.unavailable(m, launcher + " does not exist yet");
      return;
    }
    if (!Files.isRegularFile(jar)) {
      report.unavailable(m, jar + " is not built (the launcher would build it inside the clock)");
      return;
    }
    for (Path jdk : jdks) {
      if (!Files.isExecutable(jdk.resolve("bin/java"))) {
        report.unavailable(m, jdk + "/bin/java does not exist");
        return;
      }
    }
    int runs = quick ? 5 : 20;
    long[][] cliTimes = new long[jdks.size()][runs];
    long[][] jvmTimes = new long[jdks.size()][runs];
    Path scratch = Files.createTempDirectory("distributex-bench-cli-");
    try (DistributexServer server = Servers.distributex(YAML)) {
      InetSocketAddress address = Servers.address(server);
      Runner runner = new Runner(home, scratch.resolve("stderr.txt"));
      List<String> cli = List.of(launcher.toString(), "-H", Servers.LOOPBACK, "-p",
          Integer.toString(address.getPort()), "-r", "pool", "true");
      Path classes = emptyMainDir(scratch);
      checkWaits(runner, jdks.get(0), cli, address); // also the command's warm-up (page cache)
      report.add(m, "waits while another host holds the pool", "yes: queued, ran after the release, exit 0");
      for (Path jdk : jdks) { // the warm-ups
        runner.time(jdk, bare(jdk, classes));
        runner.time(jdk, cli);
      }
      for (int i = 0; i < runs; i++) {
        for (int j = 0; j < jdks.size(); j++) {
          jvmTimes[j][i] = runner.time(jdks.get(j), bare(jdks.get(j), classes));
          cliTimes[j][i] = runner.time(jdks.get(j), cli);
        }
      }
      try (RawHttpConnection status = RawHttpConnection.open(address, RUN_TIMEOUT)) {
        String text = status.call("/status").body();
        report.check(m, "pool free after", Protocol.allFree(text), "yes", text);
      }
    } finally {
      deleteTree(scratch);
    }
    for (int j = 0; j < jdks.size(); j++) {
      String on = jdks.size() == 1 ? "" : " on " + jdks.get(j).getFileName();
      Stats cli = Stats.of(cliTimes[j]);
      Stats jvm = Stats.of(jvmTimes[j]);
      report.add(m, "bin/distributex -r pool true" + on + ", median / p90", Stats.time(cli.p50()) + " / "
          + Stats.time(cli.p90()) + " (" + runs + " runs)");
      report.add(m, "bare JVM start (reference)" + on + ", median / p90", Stats.time(jvm.p50()) + " / "
          + Stats.time(jvm.p90()) + " (java -Xshare:auto, one empty class)");
      report.add(m, "ours" + on + ": median difference", Stats.time(cli.p50() - jvm.p50())
          + String.format(Locale.ROOT, " (ratio %.1f)", (double) cli.p50() / jvm.p50()));
    }
  }

  /** The bare JVM of {@code jdk} running {@link EmptyMain} from {@code classes}. */
  private static List<String> bare(Path jdk, Path classes) {
    return List.of(jdk.resolve("bin/java").toString(), "-Xshare:auto", "-cp", classes.toString(),
        EmptyMain.class.getName());
  }

  /** With the pool held by another host, {@code cli} must queue, then run and exit 0 once it is freed. */
  private static void checkWaits(Runner runner, Path jdk, List<String> cli, InetSocketAddress server)
      throws Exception {
    try (RawHttpConnection ctl = RawHttpConnection.open(server, RUN_TIMEOUT)) {
      Protocol.expect(ctl.call("/get/?pool=pool&host=bench-blocker"), "YES", "the blocker's /get/");
      Process process = runner.start(jdk, cli);
      try {
        Await.until("bin/distributex queued", RUN_TIMEOUT, Duration.ofMillis(10), () -> {
          if (!process.isAlive()) {
            throw new IOException("bin/distributex exited " + process.exitValue()
                + " while another host held the pool: " + runner.stderr());
          }
          return ctl.call("/status").body();
        }, status -> Protocol.queuedFirst(status, "pool", null));
        Protocol.expect(ctl.call("/release/?pool=pool&host=bench-blocker"), "OK", "the blocker's /release/");
        runner.await(process, cli);
      } finally {
        Runner.stop(process);
      }
    }
  }

  /** Writes {@link EmptyMain}'s class file alone into {@code scratch/classes}; returns that directory. */
  private static Path emptyMainDir(Path scratch) throws IOException {
    String resource = EmptyMain.class.getName().replace('.', '/') + ".class";
    Path dir = scratch.resolve("classes");
    Path file = dir.resolve(resource);
    Files.createDirectories(file.getParent());
    try (InputStream in = EmptyMain.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("cannot find " + resource + " on the class path");
      }
      Files.copy(in, file);
    }
    return dir;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | RuntimeException ignored) {
      // a stray temporary directory
    }
  }

  /**
   * Starts commands in the project's directory, with {@code JAVA_HOME} naming the JDK under test,
   * stdin empty, stdout dropped, stderr kept for errors.
   */
  private record Runner(Path home, Path stderrFile) {
    Process start(Path jdk, List<String> command) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
      builder.environment().put("JAVA_HOME", jdk.toString());
      return builder
          .directory(home.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(stderrFile.toFile())
          .start();
    }

    /** Runs {@code command} to its end; returns the nanoseconds from before the start to after the exit. */
    long time(Path jdk, List<String> command) throws IOException, InterruptedException {
      long start = System.nanoTime();
      Process process = start(jdk, command);
      try {
        await(process, command);
      } finally {
        stop(process);
      }
      return System.nanoTime() - start;
    }

    /** Waits (bounded) for {@code process} to exit 0; throws with its stderr otherwise. */
    void await(Process process, List<String> command) throws IOException, InterruptedException {
      if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(command.get(0) + " still running after " + RUN_TIMEOUT.toSeconds() + " s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + stderr());
      }
    }

    String stderr() {
      try {
        String text = Files.readString(stderrFile, StandardCharsets.UTF_8).strip();
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
      } catch (IOException unreadable) {
        return "(no stderr)";
      }
    }

    /** Ends {@code process} and what it started, if still running, through their own handles. */
    static void stop(Process process) {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }
}
