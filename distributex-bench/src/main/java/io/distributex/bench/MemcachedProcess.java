package io.distributex.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@code memcached} of the benchmark's own ({@code -l 127.0.0.1 -p PORT -U 0 -m 64 -t 2}) on a
 * free loopback port. {@link #close} ends it through its own {@link Process} handle; a shutdown
 * hook does the same if the driver is interrupted. Its output goes to a temporary file, kept and
 * named in the error when it does not start.
 */
final class MemcachedProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> BINARIES =
      List.of("/usr/bin/memcached", "/usr/local/bin/memcached", "/usr/sbin/memcached");

  private final Process process;
  private final int port;
  private final Path log;

  private MemcachedProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts memcached on a free port of 127.0.0.1 and waits (at most 10 s) until it answers. */
  static MemcachedProcess start() throws IOException, InterruptedException {
    String binary = BINARIES.stream()
        .filter(candidate -> Files.isExecutable(Path.of(candidate)))
        .findFirst()
        .orElseThrow(() -> new IOException("memcached is not installed (looked for " + BINARIES + ")"));
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) { // another process may take the free port first
      int port = freePort();
      Path log = Files.createTempFile("distributex-bench-memcached-", ".log");
      Process process = new ProcessBuilder(List.of(binary, "-l", Servers.LOOPBACK, "-p", Integer.toString(port),
          "-U", "0", "-m", "64", "-t", "2", "-u", "root"))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      Processes.track(process);
      MemcachedProcess memcached = new MemcachedProcess(process, port, log);
      try {
        memcached.awaitReady();
        return memcached;
      } catch (IOException | RuntimeException | InterruptedException failed) {
        memcached.stop(false);
        if (failed instanceof IOException io) {
          last = io;
        } else {
          throw failed;
        }
      }
    }
    throw last;
  }

  /** Where it listens. */
  InetSocketAddress address() {
    return new InetSocketAddress(Servers.LOOPBACK, port);
  }

  /** {@code 127.0.0.1:PORT}, as the configuration writes it. */
  String hostAndPort() {
    return Servers.LOOPBACK + ":" + port;
  }

  long pid() {
    return process.pid();
  }

  /** Still running: for the checks after a measure. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Ends the process (SIGTERM, then SIGKILL after 3 s) and deletes its log. Always returns. */
  @Override
  public void close() {
    stop(true);
  }

  private void stop(boolean deleteLog) {
    Processes.end(process, Duration.ZERO);
    if (deleteLog) {
      Processes.deleteLog(log);
    }
  }

  /** Waits until memcached answers {@code version}; throws when it exits or the time is up. */
  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("memcached exited with " + process.exitValue() + " on port " + port + ": "
            + output());
      }
      try (Socket probe = new Socket()) {
        probe.connect(address(), 200);
        probe.setSoTimeout(1_000);
        probe.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] answer = probe.getInputStream().readNBytes(8);
        if (new String(answer, StandardCharsets.US_ASCII).startsWith("VERSION ")) {
          return;
        }
        last = new IOException("memcached on port " + port + " answered '" + new String(answer,
            StandardCharsets.US_ASCII) + "' to version");
      } catch (IOException notYet) {
        last = notYet;
      }
      Thread.sleep(20);
    }
    throw new IOException("memcached did not answer on port " + port + " within " + START_TIMEOUT.toSeconds()
        + " s (" + last + "): " + output());
  }

  private String output() {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "(no output)" : text.length() > 500 ? text.substring(0, 500) + "..." : text;
    } catch (IOException unreadable) {
      return "(cannot read " + log + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(Servers.LOOPBACK))) {
      return socket.getLocalPort();
    }
  }
}
