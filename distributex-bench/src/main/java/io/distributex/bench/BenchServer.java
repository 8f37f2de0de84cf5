package io.distributex.bench;

import io.distributex.server.DistributexServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The server side of the {@code waiters} measure, run by {@link ChildProcess} in a JVM of its own
 * (file descriptors are per process: N client sockets and N server sockets would not fit in
 * one). {@code BenchServer distributex MAXWAITERS} serves Distributex with pools {@code held}
 * and {@code other}; {@code BenchServer bare} serves a {@link BareServer} that parks every
 * request. Prints {@code port N}, then answers one line per command read from stdin:
 *
 * <ul>
 *   <li>{@code heap}: {@code heap USED THREADS}, heap bytes in use after full GCs, live threads
 *   <li>{@code count} (bare): {@code count N}, exchanges parked
 *   <li>{@code release} (bare): answers every parked exchange {@code YES}, then {@code released N}
 *   <li>{@code quit}, or the end of stdin (the driver died): stops the server and exits
 * </ul>
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length < 1 || !(args[0].equals("distributex") || args[0].equals("bare"))) {
      System.err.println("usage: BenchServer distributex MAXWAITERS | BenchServer bare");
      System.exit(64);
    }
    Servers.ensureNodelay();
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
        distributex = Servers.distributex(Servers.waitersYaml(maxWaiters));
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
        } else if (command.equals("count") && parking != null) {
          out.println("count " + parking.parkedCount());
        } else if (command.equals("release") && parking != null) {
          out.println("released " + parking.releaseAll());
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
