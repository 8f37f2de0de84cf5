package io.distributex.bench;

import io.distributex.core.LockBackend;
import io.distributex.server.DistributexServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The server side of the {@code waiters} measure, run by {@link ChildProcess} in a JVM of its own
 * (file descriptors are per process: N client sockets and N server sockets would not fit in
 * one). {@code BenchServer distributex MAXWAITERS [KEYSTORE PASSWORD]} serves Distributex with
 * pools {@code held}, {@code other} and {@code mass} ({@link Servers#waitersYaml}), over HTTPS with
 * that PKCS#12 keystore when given; {@code BenchServer bare} serves a
 * {@link BareServer} that parks every request. Prints {@code port N}, then answers one line per
 * command read from stdin:
 *
 * <ul>
 *   <li>{@code heap}: {@code heap USED THREADS}, heap bytes in use after full GCs, live threads
 *   <li>{@code cap}: {@code cap N}, the JDK server's connection cap ({@code
 *       jdk.httpserver.maxConnections}; 0 or less: none)
 *   <li>{@code count}: {@code count N}, exchanges parked (bare) or waiters queued (distributex)
 *   <li>{@code release} (bare): answers every parked exchange {@code YES}, then {@code released N}
 *   <li>{@code hold N} (distributex): hosts {@code m0} to {@code mN-1} take a slot of pool {@code
 *       mass} each, through the server's backend, then {@code held N}
 *   <li>{@code free N} (distributex): releases those N slots in one loop, the mass release (each
 *       release hands its slot to the next waiter), then {@code freed N NANOS}, the loop's time
 *   <li>{@code quit}, or the end of stdin (the driver died): stops the server and exits
 * </ul>
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length < 1 || !(args[0].equals("distributex") || args[0].equals("bare"))) {
      System.err.println("usage: BenchServer distributex MAXWAITERS [KEYSTORE PASSWORD] | BenchServer bare");
      System.exit(64);
    }
    Servers.prepare();
    boolean bare = args[0].equals("bare");
    int maxWaiters = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    DistributexServer distributex = null;
    BareServer parking = null;
    try {
      int port;
      if (bare) {
        parking = BareServer.start(BareServer.Mode.PARK);
        port = parking.address().getPort();
      } else {
        String tls = args.length > 3 ? "tls:\n  keystore: \"" + args[2] + "\"\n  password: \"" + args[3] + "\"\n" : "";
        distributex = Servers.distributex(tls + Servers.waitersYaml(maxWaiters));
        port = distributex.address().getPort();
      }
      out.println("port " + port);
      BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = commands.readLine(); line != null; line = commands.readLine()) {
        String command = line.trim();
        if (command.equals("quit")) {
          break;
        } else if (command.equals("heap")) {
          out.println(heap());
        } else if (command.equals("cap")) {
          out.println("cap " + Integer.getInteger("jdk.httpserver.maxConnections", -1));
        } else if (command.equals("count")) {
          out.println("count " + (parking != null ? parking.parkedCount() : waiters(distributex.backend())));
        } else if (command.equals("release") && parking != null) {
          out.println("released " + parking.releaseAll());
        } else if (command.startsWith("hold ") && distributex != null) {
          out.println(hold(distributex.backend(), Integer.parseInt(command.substring(5).trim())));
        } else if (command.startsWith("free ") && distributex != null) {
          out.println(free(distributex.backend(), Integer.parseInt(command.substring(5).trim())));
        } else {
          out.println("error unknown command '" + command + "'");
        }
      }
    } finally {
      if (distributex != null) {
        distributex.close();
      }
      if (parking != null) {
        parking.close();
      }
    }
    System.exit(0);
  }

  /** The waiters queued in every pool. */
  private static int waiters(LockBackend backend) {
    return backend.snapshot().stream().mapToInt(pool -> pool.waiters().size()).sum();
  }

  /** {@code held N}: hosts m0 to mN-1 each hold a slot of pool mass (or {@code error ...}). */
  private static String hold(LockBackend backend, int n) {
    for (int i = 0; i < n; i++) {
      if (backend.tryAcquire(Servers.MASS_POOL, "m" + i, Optional.empty()).isEmpty()) {
        return "error m" + i + " got no slot of " + Servers.MASS_POOL;
      }
    }
    return "held " + n;
  }

  /** {@code freed N NANOS}: releases the slots of m0 to mN-1, timing the loop. */
  private static String free(LockBackend backend, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      backend.release(Servers.MASS_POOL, "m" + i, OptionalLong.empty());
    }
    return "freed " + n + " " + (System.nanoTime() - start);
  }

  /** {@code heap USED THREADS}: heap in use after three full collections, and live threads. */
  private static String heap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    return "heap " + used + " " + threads;
  }
}
