package io.distributex.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark driver: {@code Bench [--quick] [--out DIR] [--jdk DIR ...] [MEASURE ...]} runs the
 * named measures
 * (all of them when none is named), each starting what it measures itself, prints their figures
 * as they come and as one table at the end, and writes that table to {@code DIR/bench.md} and
 * {@code DIR/bench.json}. The measures that fit JMH run their benchmarks through JMH, each in a
 * fork of its own; {@code waiters} and {@code cli} drive child processes themselves. Exit status
 * 0 when every measure ran (or could not run here: not available) and every correctness check
 * held; 1 when a measure failed; 64 on a usage error.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs the benchmark as {@link #main} does and returns the exit status. */
  static int run(String[] args, PrintStream out) {
    Servers.prepare();
    boolean quick = false;
    Path outDir = Home.dir().resolve("distributex-bench/target/bench");
    List<Path> jdks = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--quick") || arg.equals("-q")) {
        quick = true;
      } else if (arg.equals("--out") && i + 1 < args.length) {
        outDir = Path.of(args[++i]);
      } else if (arg.startsWith("--out=")) {
        outDir = Path.of(arg.substring("--out=".length()));
      } else if (arg.equals("--jdk") && i + 1 < args.length) {
        jdks.add(Path.of(args[++i]));
      } else if (arg.startsWith("--jdk=")) {
        jdks.add(Path.of(arg.substring("--jdk=".length())));
      } else {
        names.add(arg);
      }
    }
    Map<String, Measure> known = new LinkedHashMap<>();
    for (Measure measure : List.of(new HandoffMeasure(), new ThroughputMeasure(), new WaitersMeasure(),
        new MemcachedMeasure(), new EtcdMeasure(), new CliMeasure(jdks), new ContentionMeasure(), new ConnectionsMeasure(),
        new IdleHandoffMeasure())) {
      known.put(measure.name(), measure);
    }
    List<Measure> chosen = new ArrayList<>();
    for (String name : names) {
      if (name.equals("--help") || name.equals("-h")) {
        usage(known);
        return 0;
      } else if (known.containsKey(name)) {
        if (!chosen.contains(known.get(name))) {
          chosen.add(known.get(name));
        }
      } else {
        System.err.println("distributex-bench: unknown argument '" + name + "'");
        usage(known);
        return 64;
      }
    }
    if (chosen.isEmpty()) {
      chosen.addAll(known.values());
    }

    Instant started = Instant.now();
    Report report = new Report(out);
    long start = System.nanoTime();
    for (Measure measure : chosen) {
      out.println("== " + measure.name() + (quick ? " (quick)" : ""));
      long begun = System.nanoTime();
      Throwable thrown = null;
      try {
        measure.run(quick, report);
      } catch (Exception | Error e) {
        thrown = e;
        e.printStackTrace(out);
      }
      report.finished(measure.name(), System.nanoTime() - begun, thrown);
    }
    ReportFiles.Run run = new ReportFiles.Run(command(args), quick, started, System.nanoTime() - start,
        Machine.current());
    out.println();
    report.print(out);
    out.printf("%ncommand: %s%nmachine: %s%ntotal run time: %s (%s)%n", run.command(),
        run.machine().describe(), run.wall(), run.mode());
    int status = report.failed() ? 1 : 0;
    try {
      out.println("written: " + ReportFiles.write(outDir, run, report));
    } catch (IOException e) {
      out.println("distributex-bench: cannot write the report into " + outDir + ": " + e);
      status = 1;
    }
    out.flush();
    return status;
  }

  /** The command line as typed: the launcher's name when it passed it, else {@code java -jar}. */
  private static String command(String[] args) {
    String launcher = System.getProperty("distributex.bench.launcher", "java -jar distributex-bench.jar");
    StringBuilder command = new StringBuilder(launcher);
    for (String arg : args) {
      command.append(' ').append(arg.matches("[\\w./=:,+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return command.toString();
  }

  private static void usage(Map<String, Measure> known) {
    System.err.println("usage: distributex-bench [--quick] [--out DIR] [--jdk DIR ...] ["
        + String.join("|", known.keySet()) + " ...]");
    System.err.println("  handoff     wait -> release -> YES latency between two hosts (p50/p90/p99/max)");
    System.err.println("  throughput  get+release pairs/s over 16 connections, against a bare HttpServer");
    System.err.println("  waiters     15,000 parked /wait/ requests: heap and threads per waiter, release chain,");
    System.err.println("              mass release, against a bare HttpServer's parked exchanges");
    System.err.println("  memcached   the memcache backend on its own memcached: get+release pairs/s against raw");
    System.err.println("              add+delete pairs/s, handoff latency within one server and across two");
    System.err.println("  cli         start-to-exit time of bin/distributex -r POOL true, against a bare JVM");
    System.err.println("  contention  64 clients on one mutex: grants/s, fairness, overlaps, against a fair");
    System.err.println("              ReentrantLock");
    System.err.println("  connections a call and a handoff alone and under 3,000 idle + 1,000 half-sent + 200");
    System.err.println("              trickling connections (HTTP, HTTPS); the server at its descriptor limit");
    System.err.println("  idle-handoff  handoff after the waiter was parked 0, 0.2, 1 and 2.5 s (server idle), against");
    System.err.println("              Redis locked the Redisson way (redis-server from PATH) and an idle thread's wake-up");
    System.err.println("  --quick     fewer samples and shorter windows (CI; about 30 s in all)");
    System.err.println("  --out DIR   where bench.md and bench.json go (default distributex-bench/target/bench)");
    System.err.println("  --jdk DIR   cli: run the command and the bare JVM on the JDK in DIR (JAVA_HOME); several");
    System.err.println("              --jdk alternate in the same rounds (default: the JDK running the benchmark)");
    System.err.println("The JMH benchmarks alone (HandoffBenchmark, ThroughputBenchmark, ContentionBenchmark):");
    System.err.println("  java -cp distributex-bench/target/distributex-bench.jar org.openjdk.jmh.Main \\");
    System.err.println("      -prof io.distributex.bench.FigureProfiler [BENCHMARK] [JMH OPTIONS]");
  }
}
