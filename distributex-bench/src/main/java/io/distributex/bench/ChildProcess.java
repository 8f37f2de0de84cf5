package io.distributex.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link BenchServer} in a child JVM ({@code -Xmx2g}, nothing else raised): started from this
 * JVM's own class path, commanded line by line over stdin, every answer awaited with a timeout.
 * Its stderr (the server's log) goes to a temporary file. {@link #close} stops it and, failing
 * that, destroys it through its own {@link Process} handle; a shutdown hook destroys the children
 * still running if the driver is interrupted.
 */
final class ChildProcess implements AutoCloseable {
  private static final String EOF = "\u0000eof";
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  private final Process process;
  private final BufferedWriter stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Path log;
  private final int port;

  private ChildProcess(List<String> command, Path log, Duration startTimeout) throws IOException {
    this.log = log;
    this.process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    LIVE.add(process);
    stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    try {
      Thread reader = new Thread(this::readStdout, "bench-child-stdout");
      reader.setDaemon(true);
      reader.start();
      String first = next(startTimeout);
      if (!first.startsWith("port ")) {
        throw new IOException("child said '" + first + "' instead of its port");
      }
      port = Integer.parseInt(first.substring(5).trim());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts {@code BenchServer mode [maxWaiters]} and waits (at most 30 s) for its port. */
  static ChildProcess start(String mode, int maxWaiters) throws IOException {
    return start(List.of(), List.of(), List.of(mode, Integer.toString(maxWaiters)));
  }

  /**
   * Starts {@code wrapper java -Xmx2g jvmOptions BenchServer args} ({@code wrapper}: a command
   * such as {@code prlimit --nofile=N --}, or none) and waits (at most 30 s) for its port.
   */
  static ChildProcess start(List<String> wrapper, List<String> jvmOptions, List<String> args) throws IOException {
    Path log = Files.createTempFile("distributex-bench-" + args.get(0) + "-", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(java, "-Xmx2g"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchServer.class.getName()));
    command.addAll(args);
    return new ChildProcess(command, log, Duration.ofSeconds(30));
  }

  /** The port the child's server listens on, at 127.0.0.1. */
  int port() {
    return port;
  }

  /** The child's process id. */
  long pid() {
    return process.pid();
  }

  /** The file with the child's stderr. */
  Path log() {
    return log;
  }

  /** Sends {@code command} and returns the child's one-line answer. */
  String ask(String command, Duration timeout) throws IOException {
    stdin.write(command);
    stdin.newLine();
    stdin.flush();
    return next(timeout);
  }

  /**
   * The lines of the child's log that report trouble (warnings, errors, exceptions), after it has
   * exited. A log without any is deleted; one with some is kept and its path is the last entry.
   */
  List<String> logProblems() {
    List<String> problems;
    try (var stream = Files.lines(log, StandardCharsets.UTF_8)) {
      problems = stream
          .filter(line -> line.contains("WARNING") || line.contains("SEVERE") || line.contains("ERROR")
              || line.contains("Exception") || line.contains("Error"))
          .limit(20)
          .collect(Collectors.toList());
    } catch (IOException | RuntimeException unreadable) {
      return List.of("cannot read " + log + ": " + unreadable);
    }
    if (problems.isEmpty() && !process.isAlive()) {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a stray temporary file
      }
      return problems;
    }
    problems.add("log kept: " + log);
    return problems;
  }

  /**
   * Asks the child to quit; ends it when it has not exited within 5 s (SIGTERM, then SIGKILL after
   * 3 s) and waits up to 3 s more. Always returns; an interrupt destroys it at once and is kept.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stdin.write("quit");
        stdin.newLine();
        stdin.flush();
        stdin.close();
      } catch (IOException | RuntimeException gone) {
        // it has gone already or will be destroyed below
      }
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(3, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException interrupted) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      LIVE.remove(process);
    }
  }

  /** Whether the child has exited, and its exit status: for the report. */
  String exitState() {
    return process.isAlive() ? "still running (pid " + process.pid() + ")" : "exited " + process.exitValue();
  }

  private String next(Duration timeout) throws IOException {
    String line;
    try {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the child");
    }
    if (line == null) {
      throw new IOException("no answer from the child within " + timeout.toSeconds() + " s (log: " + log + ")");
    }
    if (line.equals(EOF)) {
      lines.add(EOF);
      throw new IOException("the child closed its output (" + exitState() + "); see its log " + log);
    }
    return line;
  }

  private void readStdout() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
    } catch (IOException closed) {
      // the child is gone
    } finally {
      lines.add(EOF);
    }
  }
}
