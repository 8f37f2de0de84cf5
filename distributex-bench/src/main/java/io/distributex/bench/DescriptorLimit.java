package io.distributex.bench;

import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code connections} measure's server at its limit of open files. A child server, its
 * connection timeouts raised to 120 s so that nothing is cut meanwhile, gets a kept-alive client
 * connection, then {@link #BEYOND} more idle connections than its cap allows (or than it has
 * descriptors, without a cap). Then: how many it holds and how
 * many it closed at once, its CPU use over {@link #CPU_WINDOW} (a busy accept loop shows as a
 * whole core), whether the kept-alive connection is still served, whether a new connection is
 * closed at once, whether new connections are served again once some are closed, and its
 * descriptors at the end. The same server without the JDK's connection cap ({@code
 * jdk.httpserver.maxConnections=0}) is the reference.
 *
 * <p>The full run takes the server as configured, at the limit the driver has (20,000 here); the
 * quick one, and the reference, start it under {@code prlimit --nofile=}{@link #SMALL_LIMIT}, so
 * that the driver can open more connections than the server can take. The quick run has no
 * reference.
 */
final class DescriptorLimit {
  private static final int SMALL_LIMIT = 1_000;
  private static final Duration CPU_WINDOW = Duration.ofSeconds(3);
  private static final int BEYOND = 200;
  private static final int PROBES = 10;
  private static final List<String> LONG_TIMEOUTS =
      List.of("-Dsun.net.httpserver.maxReqTime=120", "-Dsun.net.httpserver.idleInterval=120");

  private final boolean quick;

  DescriptorLimit(boolean quick) {
    this.quick = quick;
  }

  void run(Report report, String measure) throws Exception {
    List<String> small = List.of("prlimit", "--nofile=" + SMALL_LIMIT + ":" + SMALL_LIMIT, "--");
    atLimit(report, measure, "limit, capped", quick ? small : List.of(), LONG_TIMEOUTS);
    if (!quick) {
      List<String> uncapped = new ArrayList<>(LONG_TIMEOUTS);
      uncapped.add("-Djdk.httpserver.maxConnections=0");
      atLimit(report, measure, "limit, no cap (reference)", small, uncapped);
    }
  }

  private void atLimit(Report report, String measure, String prefix, List<String> wrapper, List<String> options)
      throws Exception {
    List<SocketChannel> held = new ArrayList<>();
    ChildProcess child = ChildProcess.start(wrapper, options, List.of("distributex", "20000"));
    try {
      long pid = child.pid();
      InetSocketAddress address = new InetSocketAddress(Servers.LOOPBACK, child.port());
      long limit = ProcFs.openFilesLimit(pid);
      long cap = cap(child);
      long count = (cap > 0 ? Math.min(cap, limit) : limit) + BEYOND;
      report.note(prefix + ": " + count + " connections to a server limited to " + limit + " files");
      try (RawHttpConnection kept = RawHttpConnection.open(address, Duration.ofSeconds(5))) {
        Protocol.expect(kept.call("/get/?pool=other&host=kept"), "YES", "the kept-alive connection's /get/");
        long filesBefore = ProcFs.openFiles(pid);
        long opening = System.nanoTime();
        int failedConnects = open(address, count, held);
        long openNanos = System.nanoTime() - opening;
        Thread.sleep(1_000);
        int closedAtOnce = closedByServer(held);
        int opened = held.size();
        long filesAtLimit = ProcFs.openFiles(pid);
        double cpu = cpuShare(pid);
        String keptServed = served(kept, "/get/?pool=other&host=kept");
        String newcomer = newcomer(address);

        int freed = Math.min(held.size(), 500);
        closeAll(held.subList(0, freed));
        Thread.sleep(1_000);
        int servedAgain = 0;
        for (int i = 0; i < PROBES; i++) {
          try (RawHttpConnection fresh = RawHttpConnection.open(address, Duration.ofSeconds(5))) {
            if (fresh.call("/get/?pool=other&host=kept").is("YES")) {
              servedAgain++;
            }
          } catch (IOException notServed) {
            // counted as not served
          }
        }
        closeAll(held);
        long filesAfter = settledFiles(pid, filesBefore);

        String m = measure;
        report.add(m, prefix + ": files limit / connection cap / connections opened", limit + " / "
            + (cap > 0 ? Long.toString(cap) : "none") + " / " + (count - failedConnects)
            + " in " + Stats.time(openNanos) + (failedConnects > 0 ? " (" + failedConnects + " connects failed)" : ""));
        report.add(m, prefix + ": held / closed at once by the server", (opened - closedAtOnce) + " / "
            + closedAtOnce);
        report.add(m, prefix + ": server descriptors before / at the limit / after all closed",
            filesBefore + " / " + filesAtLimit + " / " + filesAfter);
        report.add(m, prefix + ": server CPU at the limit, no requests", String.format(Locale.ROOT,
            "%.0f%% of a core over %d s", cpu * 100, CPU_WINDOW.toSeconds()));
        report.add(m, prefix + ": kept-alive connection at the limit", keptServed);
        report.add(m, prefix + ": a new connection at the limit", newcomer);
        report.add(m, prefix + ": new connections after " + freed + " closed", servedAgain + " of " + PROBES
            + " served");
      }
    } finally {
      closeAll(held);
      child.close();
    }
    List<String> problems = child.logProblems();
    report.check(measure, prefix + ": child log problems", problems.isEmpty(), "none", String.join(" | ", problems));
  }

  /** The child's connection cap; 0 or less: none. */
  private static long cap(ChildProcess child) throws IOException {
    String answer = child.ask("cap", WaiterRun.ASK_TIMEOUT);
    if (!answer.startsWith("cap ")) {
      throw new IOException("the child answered '" + answer + "' to cap");
    }
    return Long.parseLong(answer.substring(4).trim());
  }

  /** Opens {@code count} idle connections into {@code held}; returns the connects that failed. */
  private static int open(InetSocketAddress address, long count, List<SocketChannel> held) {
    int failed = 0;
    for (long i = 0; i < count && failed < 20; i++) {
      try {
        SocketChannel channel = SocketChannel.open();
        try {
          channel.socket().connect(address, 2_000);
          channel.setOption(StandardSocketOptions.SO_LINGER, 0); // closed with a reset: no TIME_WAIT
          channel.configureBlocking(false);
          held.add(channel);
        } catch (IOException e) {
          channel.close();
          failed++;
        }
      } catch (IOException noDescriptor) {
        failed++;
      }
    }
    return failed;
  }

  /** How many of {@code held} the server has closed (end of stream or reset). */
  private static int closedByServer(List<SocketChannel> held) {
    int closed = 0;
    ByteBuffer sink = ByteBuffer.allocate(64);
    for (SocketChannel channel : held) {
      try {
        sink.clear();
        if (channel.read(sink) < 0) {
          closed++;
        }
      } catch (IOException reset) {
        closed++;
      }
    }
    return closed;
  }

  /** The server's CPU use over {@link #CPU_WINDOW}, in cores. */
  private static double cpuShare(long pid) throws IOException, InterruptedException {
    double before = ProcFs.cpuSeconds(pid);
    long start = System.nanoTime();
    Thread.sleep(CPU_WINDOW.toMillis());
    return (ProcFs.cpuSeconds(pid) - before) / ((System.nanoTime() - start) / 1e9);
  }

  /** Whether a call on {@code connection} is answered, and how soon. */
  private static String served(RawHttpConnection connection, String target) {
    long start = System.nanoTime();
    try {
      RawHttpResponse response = connection.call(target);
      return (response.is("YES") ? "served in " : "answered " + response + " in ") + Stats.time(System.nanoTime() - start);
    } catch (IOException failed) {
      return "not served: " + failed.getMessage() + " after " + Stats.time(System.nanoTime() - start);
    }
  }

  /** What becomes of a new connection: closed by the server (and how soon), or left waiting. */
  private static String newcomer(InetSocketAddress address) {
    long start = System.nanoTime();
    try (RawHttpConnection fresh = RawHttpConnection.open(address, Duration.ofSeconds(5))) {
      RawHttpResponse response = fresh.call("/get/?pool=other&host=new");
      return "served (" + response.status() + ") in " + Stats.time(System.nanoTime() - start);
    } catch (IOException failed) {
      return failed.getClass().getSimpleName() + " after " + Stats.time(System.nanoTime() - start) + ": "
          + failed.getMessage();
    }
  }

  /** The server's descriptors once they stop falling (at most 10 s), closer to {@code floor}. */
  private static long settledFiles(long pid, long floor) throws IOException, InterruptedException {
    long files = ProcFs.openFiles(pid);
    for (int i = 0; i < 100 && files > floor; i++) {
      Thread.sleep(100);
      files = ProcFs.openFiles(pid);
    }
    return files;
  }

  private static void closeAll(List<SocketChannel> channels) {
    for (SocketChannel channel : channels) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    channels.clear();
  }
}
