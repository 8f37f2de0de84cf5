package io.distributex.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@code redis-server} of the bench's own, on a free loopback port, without persistence: the
 * reference of the {@code idle-handoff} measure. Started from {@code /usr/bin/redis-server} (the
 * Debian package) or the first {@code redis-server} found on the usual paths.
 */
final class RedisProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final InetSocketAddress address;

  private RedisProcess(Process process, InetSocketAddress address) {
    this.process = process;
    this.address = address;
  }

  /** The {@code redis-server} binary, when one is installed. */
  static Optional<Path> binary() {
    return List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server").stream()
        .map(Path::of)
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Starts {@code binary} on a free port of 127.0.0.1 and waits until it accepts connections. */
  static RedisProcess start(Path binary) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder(binary.toString(), "--bind", "127.0.0.1", "--port",
        Integer.toString(port), "--save", "", "--appendonly", "no", "--daemonize", "no")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    RedisProcess redis = new RedisProcess(process, new InetSocketAddress(Servers.LOOPBACK, port));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue() + " on port " + port);
      }
      try (Socket probe = new Socket()) {
        probe.connect(redis.address, 200);
        return redis;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    redis.close();
    throw new IOException("redis-server did not listen on port " + port + " within " + START_TIMEOUT);
  }

  InetSocketAddress address() {
    return address;
  }

  /** Kills the process and waits for it to end. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }
}
