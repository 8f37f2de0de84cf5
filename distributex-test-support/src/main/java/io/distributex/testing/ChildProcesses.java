package io.distributex.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The store processes tests start (memcached, etcd): started, killed, and killed anyway by a
 * shutdown hook when the JVM exits, so an interrupted run leaves none behind.
 */
final class ChildProcesses {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  private ChildProcesses() {}

  static Process start(ProcessBuilder command) throws IOException {
    Process process = command.start();
    LIVE.add(process);
    return process;
  }

  /** SIGKILL, and waits (10 s at most) until it is gone. */
  static void kill(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    LIVE.remove(process);
  }

  /** A loopback port free now (another process may take it before the caller does). */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
