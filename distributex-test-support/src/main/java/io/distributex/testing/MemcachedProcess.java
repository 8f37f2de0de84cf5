package io.distributex.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code memcached} process on a free loopback port, for tests: started, killed and
 * restarted (on the same port, empty, as after a crash) by the test. Fails loudly, never skips,
 * when the binary is missing ({@code apt-get install memcached}). A shutdown hook kills those still
 * running when the JVM exits, so an interrupted run leaves none behind.
 */
public final class MemcachedProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final int port;
  private final List<String> options;
  private Process process;

  private MemcachedProcess(int port, List<String> options) {
    this.port = port;
    this.options = options;
  }

  /** Starts a memcached on a free port of 127.0.0.1, with extra command-line options. */
  public static MemcachedProcess start(String... options) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      MemcachedProcess memcached = new MemcachedProcess(ChildProcesses.freePort(), List.of(options));
      try {
        memcached.launch();
        return memcached;
      } catch (IOException portTaken) {
        last = portTaken;
      }
    }
    throw last;
  }

  public int port() {
    return port;
  }

  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** {@code 127.0.0.1:PORT}, as configuration files write it. */
  public String hostAndPort() {
    return "127.0.0.1:" + port;
  }

  /** Kills the process at once (SIGKILL), losing everything it held. */
  public void kill() throws InterruptedException {
    if (process != null) {
      ChildProcesses.kill(process);
      process = null;
    }
  }

  /**
   * Stops the process (SIGSTOP) without closing anything: connections stay open, nothing answers,
   * as with a memcached that hangs. {@link #resume} continues it.
   */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Continues a paused process (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill " + signal + " " + process.pid() + " failed");
    }
  }

  /** Starts it again on the same port, empty. */
  public void restart() throws IOException, InterruptedException {
    kill();
    launch();
  }

  /** Empties it ({@code flush_all}), so each test starts from nothing. */
  public void flush() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(address(), 2_000);
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write("flush_all\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] answer = new byte[4];
      int read = socket.getInputStream().readNBytes(answer, 0, 4);
      if (read != 4 || !new String(answer, java.nio.charset.StandardCharsets.US_ASCII).equals("OK\r\n")) {
        throw new IOException("memcached did not flush");
      }
    }
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills the process, as {@link #kill} does; an interrupt is kept for the caller to see. */
  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void launch() throws IOException, InterruptedException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(binary(), "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0", "-m", "64", "-t", "2", "-u", "root"));
    command.addAll(options);
    process =
        ChildProcesses.start(
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("memcached exited with " + process.exitValue() + " on port " + port);
      }
      try (Socket probe = new Socket()) {
        probe.connect(address(), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    kill();
    throw new IOException("memcached did not listen on port " + port + " within " + START_TIMEOUT);
  }

  private static String binary() {
    for (String candidate : List.of("/usr/bin/memcached", "/usr/local/bin/memcached", "/usr/sbin/memcached")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "memcached is not installed: the memcached tests need it (apt-get install -y memcached)");
  }
}
