package io.distributex.bench;

import java.time.Duration;
import java.util.List;

/**
 * {@code waiters}: how many {@code /wait/} requests one server holds, and what each costs. Runs
 * {@link DistributexWaiters} (heap, threads, {@code /get/} latency with the waiters held, the
 * lock running down the whole queue), {@link MassRelease} (N slots freed at once) and then
 * {@link BareWaiters} (the JDK's floor: the heap of a parked exchange, answering all at once),
 * each against its own child JVM, one after the other so the driver never holds more than N
 * sockets, and reports the figures and the checks made on the way.
 *
 * <p>Not a JMH benchmark: the process boundary is the point (the server's heap and threads are
 * read in a JVM of its own, and file descriptors are per process), and each run is one large
 * state built up and torn down, not an operation repeated.
 */
final class WaitersMeasure implements Measure {
  @Override
  public String name() {
    return "waiters";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    int size = quick ? 1_000 : 15_000;
    Duration timeout = quick ? Duration.ofSeconds(20) : Duration.ofSeconds(120);
    report.note("distributex child: " + size + " waiters, release chain");
    DistributexWaiters.Result d = new DistributexWaiters(size, timeout).run();
    report.note("distributex child: " + size + " waiters, mass release");
    MassRelease.Result mass = new MassRelease(size, timeout).run();
    report.note("bare HttpServer child: " + size + " parked exchanges");
    BareWaiters.Result b = new BareWaiters(size, timeout).run();

    String m = name();
    report.add(m, "waiters held (per /status)", d.queued() + " of " + size);
    double perWaiter = d.held().perItemSince(d.before(), size);
    double perBare = b.held().perItemSince(b.before(), size);
    report.add(m, "heap per waiter", Stats.bytes(perWaiter));
    report.add(m, "bare heap per parked exchange", Stats.bytes(perBare));
    report.add(m, "difference per waiter", Stats.bytes(perWaiter - perBare));
    report.add(m, "heap before / with waiters", Stats.mib(d.before().used()) + " / " + Stats.mib(d.held().used()));
    report.add(m, "heap after all answered+closed", Stats.mib(d.after().used()) + " (bare: " + Stats.mib(b.after().used())
        + ", before " + Stats.mib(b.before().used()) + ")");
    report.add(m, "threads before / with waiters", d.before().threads() + " / " + d.held().threads()
        + " (bare: " + b.before().threads() + " / " + b.held().threads() + ")");
    report.add(m, "/get/ other, idle p50 / p99",
        Stats.time(d.getIdle().p50()) + " / " + Stats.time(d.getIdle().p99()));
    report.add(m, "/get/ other, waiters held p50 / p99",
        Stats.time(d.getLoaded().p50()) + " / " + Stats.time(d.getLoaded().p99()));
    String chain = Stats.time(d.chainNanos()) + " (" + Stats.time(d.chainNanos() / Math.max(1, d.answered()))
        + " per handoff)";
    report.check(m, "release chain: all answered in", d.allAnswered(), chain,
        "only " + d.answered() + " of " + size + " answered within " + timeout.toSeconds() + " s");
    report.add(m, "first served is w0", d.firstIsW0() ? "yes" : "no");
    report.check(m, "grant order = /status queue order", d.orderMismatches() == 0,
        "yes (" + d.queued() + " of " + d.queued() + ")", d.orderMismatches() + " positions differ");
    report.check(m, "fencing tokens increasing", d.tokenInversions() == 0, "yes", d.tokenInversions()
        + " not above the previous");
    report.add(m, "releases sent on another connection", Integer.toString(d.fallbackReleases()));
    report.check(m, "server state after", d.stateAfter().startsWith("pool held free"), d.stateAfter(),
        d.stateAfter());
    childChecks(report, m, "", d.failures(), d.logProblems(), d.exit());

    if (mass.allAnswered()) {
      report.add(m, "mass release: all answered in", Stats.time(mass.answerAllNanos()) + " (release loop "
          + Stats.time(mass.loopNanos()) + ")");
    } else {
      report.fail(m, "mass release: all answered in", "only " + mass.answered() + " of " + size
          + " answered within " + timeout.toSeconds() + " s");
    }
    report.check(m, "bare: answer all at once in", b.allAnswered(), Stats.time(b.answerAllNanos()),
        "only " + b.answered() + " of " + size + " answered");
    childChecks(report, m, "mass ", mass.failures(), mass.logProblems(), mass.exit());
    childChecks(report, m, "bare ", b.failures(), b.logProblems(), b.exit());
  }

  /** The checks every child run ends with: no failure, nothing wrong in its log, exit status 0. */
  private static void childChecks(Report report, String m, String prefix, String failures, List<String> problems,
      String exit) {
    report.check(m, prefix + "failures", failures.equals("none"), "none", failures);
    report.check(m, prefix + "child log problems", problems.isEmpty(), "none", String.join(" | ", problems));
    report.check(m, prefix + "child exit", exit.equals("exited 0"), exit, exit);
  }
}
