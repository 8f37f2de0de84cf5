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
 * true} against an idle in-process server, against a bare JVM start in the same run ({@code java
 * -Xshare:auto -cp DIR EmptyMain}, DIR holding that one class), the two alternated after one
 * warm-up each: the difference is ours. The command's warm-up is a check that it really waits for
 * the lock: with the pool held by another host it queues (seen in {@code /status}) and exits 0
 * only after that host releases. Not available, without failing the run, while {@code
 * bin/distributex} or its jar is not built.
 *
 * <p>Not a JMH benchmark: what it times is a process, from its start to its exit, each run a new
 * one, which JMH's timing of a method inside its own JVM cannot see.
 */
final class CliMeasure implements Measure {
  private static final String YAML = "pools:\n  - name: pool\n    maxlocks: 1\n    expire: 0\n";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(20);

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
    int runs = quick ? 5 : 20;
    long[] cliTimes = new long[runs];
    long[] jvmTimes = new long[runs];
    Path scratch = Files.createTempDirectory("distributex-bench-cli-");
    try (DistributexServer server = Servers.distributex(YAML)) {
      InetSocketAddress address = Servers.address(server);
      Runner runner = new Runner(home, scratch.resolve("stderr.txt"));
      List<String> cli = List.of(launcher.toString(), "-H", Servers.LOOPBACK, "-p",
          Integer.toString(address.getPort()), "-r", "pool", "true");
      List<String> jvm = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xshare:auto", "-cp", emptyMainDir(scratch).toString(), EmptyMain.class.getName());
      checkWaits(runner, cli, address); // also the command's warm-up (page cache)
      report.add(m, "waits while another host holds the pool", "yes: queued, ran after the release, exit 0");
      runner.time(jvm); // the reference's warm-up
      for (int i = 0; i < runs; i++) {
        jvmTimes[i] = runner.time(jvm);
        cliTimes[i] = runner.time(cli);
      }
      try (RawHttpConnection status = RawHttpConnection.open(address, RUN_TIMEOUT)) {
        String text = status.call("/status").body();
        report.check(m, "pool free after", Protocol.allFree(text), "yes", text);
      }
    } finally {
      deleteTree(scratch);
    }
    Stats cli = Stats.of(cliTimes);
    Stats jvm = Stats.of(jvmTimes);
    report.add(m, "bin/distributex -r pool true, median / p90", Stats.time(cli.p50()) + " / "
        + Stats.time(cli.p90()) + " (" + runs + " runs)");
    report.add(m, "bare JVM start (reference), median / p90", Stats.time(jvm.p50()) + " / "
        + Stats.time(jvm.p90()) + " (java -Xshare:auto, one empty class)");
    report.add(m, "ours: median difference", Stats.time(cli.p50() - jvm.p50())
        + String.format(Locale.ROOT, " (ratio %.1f)", (double) cli.p50() / jvm.p50()));
  }

  /** With the pool held by another host, {@code cli} must queue, then run and exit 0 once it is freed. */
  private static void checkWaits(Runner runner, List<String> cli, InetSocketAddress server) throws Exception {
    try (RawHttpConnection ctl = RawHttpConnection.open(server, RUN_TIMEOUT)) {
      Protocol.expect(ctl.call("/get/?pool=pool&host=bench-blocker"), "YES", "the blocker's /get/");
      Process process = runner.start(cli);
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

  /** Starts commands in the project's directory, stdin empty, stdout dropped, stderr kept for errors. */
  private record Runner(Path home, Path stderrFile) {
    Process start(List<String> command) throws IOException {
      return new ProcessBuilder(new ArrayList<>(command))
          .directory(home.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(stderrFile.toFile())
          .start();
    }

    /** Runs {@code command} to its end; returns the nanoseconds from before the start to after the exit. */
    long time(List<String> command) throws IOException, InterruptedException {
      long start = System.nanoTime();
      Process process = start(command);
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
