package io.distributex.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The benchmark driver: {@code Bench [--quick] [handoff|throughput|waiters|memcached ...]} runs the
 * named measures (all of them when none is named), each starting what it measures itself, and prints
 * their figures as they come and as one table at the end. Exit status 0 when every measure ran
 * and every check passed, 1 otherwise, 64 on a usage error.
 */
public final class Bench {
  /** Held so the level sticks: the in-process servers' INFO lines would interleave with the figures. */
  private static final Logger SERVER_LOG = Logger.getLogger("io.distributex");

  private Bench() {}

  public static void main(String[] args) {
    // Before any HttpServer of this JVM: DistributexServer's static block turns Nagle off.
    Servers.ensureNodelay();
    SERVER_LOG.setLevel(Level.WARNING);
    Map<String, Measure> known = new LinkedHashMap<>();
    for (Measure measure : List.of(new HandoffBench(), new ThroughputBench(), new WaitersBench(),
        new MemcachedBench())) {
      known.put(measure.name(), measure);
    }
    boolean quick = false;
    List<Measure> chosen = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("--quick") || arg.equals("-q")) {
        quick = true;
      } else if (arg.equals("--help") || arg.equals("-h")) {
        usage(known);
        System.exit(0);
      } else if (known.containsKey(arg)) {
        if (!chosen.contains(known.get(arg))) {
          chosen.add(known.get(arg));
        }
      } else {
        System.err.println("distributex-bench: unknown argument '" + arg + "'");
        usage(known);
        System.exit(64);
      }
    }
    if (chosen.isEmpty()) {
      chosen.addAll(known.values());
    }

    Report report = new Report(System.out);
    long start = System.nanoTime();
    for (Measure measure : chosen) {
      System.out.println("== " + measure.name() + (quick ? " (quick)" : ""));
      long begun = System.nanoTime();
      try {
        measure.run(quick, report);
      } catch (Exception | Error e) {
        report.fail(measure.name(), "run", e.toString());
        e.printStackTrace(System.out);
      }
      report.add(measure.name(), "run time", Stats.time(System.nanoTime() - begun));
    }
    System.out.println();
    report.print(System.out);
    System.out.printf(Locale.ROOT, "%ntotal run time: %.1f s (%s)%n", (System.nanoTime() - start) / 1e9,
        quick ? "quick" : "full");
    System.out.flush();
    System.exit(report.failed() ? 1 : 0);
  }

  private static void usage(Map<String, Measure> known) {
    System.err.println("usage: distributex-bench [--quick] [" + String.join("|", known.keySet()) + " ...]");
    System.err.println("  handoff     wait -> release -> YES latency between two hosts (p50/p90/p99/max)");
    System.err.println("  throughput  get+release pairs/s over 16 connections, against a bare HttpServer");
    System.err.println("  waiters     15,000 parked /wait/ requests: heap and threads per waiter, release chain");
    System.err.println("  memcached   the memcache backend on its own memcached: get+release pairs/s against raw");
    System.err.println("              add+delete pairs/s, handoff latency within one server and across two");
    System.err.println("  --quick     fewer samples and shorter windows (CI; well under 30 s)");
  }
}
