package io.distributex.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code waiters}: how many {@code /wait/} requests one server holds, and what each costs.
 * Runs {@link DistributexWaiters} and then {@link BareWaiters} (the JDK's floor), each against
 * its own child JVM, one after the other so the driver never holds more than N sockets, and
 * reports heap per waiter, threads, {@code /get/} latency with the waiters held, the time for
 * the lock to run down the whole queue, and the checks made on the way.
 */
final class WaitersBench implements Measure {
  @Override
  public String name() {
    return "waiters";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    int size = quick ? 1_000 : 15_000;
    Duration timeout = quick ? Duration.ofSeconds(20) : Duration.ofSeconds(120);
    report.note("distributex child: " + size + " waiters");
    DistributexWaiters.Result d = new DistributexWaiters(size, timeout).run();
    report.note("bare HttpServer child: " + size + " parked exchanges");
    BareWaiters.Result b = new BareWaiters(size, timeout).run();

    String m = name();
    report.add(m, "waiters held (per /status)", d.queued() + " of " + size);
    double perWaiter = d.held().perItemSince(d.before(), size);
    double perBare = b.held().perItemSince(b.before(), size);
    report.add(m, "heap per waiter", Stats.bytes(perWaiter));
    report.add(m, "bare heap per parked exchange", Stats.bytes(perBare));
    report.add(m, "difference per waiter", Stats.bytes(perWaiter - perBare));
    report.add(m, "heap before / with waiters", mib(d.before().used()) + " / " + mib(d.held().used()));
    report.add(m, "heap after all answered+closed", mib(d.after().used()) + " (bare: " + mib(b.after().used())
        + ", before " + mib(b.before().used()) + ")");
    report.add(m, "threads before / with waiters", d.before().threads() + " / " + d.held().threads()
        + " (bare: " + b.before().threads() + " / " + b.held().threads() + ")");
    report.add(m, "/get/ other, idle p50 / p99",
        Stats.time(d.getIdle().p50()) + " / " + Stats.time(d.getIdle().p99()));
    report.add(m, "/get/ other, waiters held p50 / p99",
        Stats.time(d.getLoaded().p50()) + " / " + Stats.time(d.getLoaded().p99()));
    String chain = Stats.time(d.chainNanos()) + " (" + Stats.time(d.chainNanos() / Math.max(1, d.answered()))
        + " per handoff)";
    if (d.allAnswered()) {
      report.add(m, "release chain: all answered in", chain);
    } else {
      report.fail(m, "release chain: all answered in", "only " + d.answered() + " of " + size
          + " answered within " + timeout.toSeconds() + " s");
    }
    check(report, m, "first served is w0", d.firstIsW0(), "yes", "no");
    check(report, m, "grant order = /status queue order", d.orderMismatches() == 0,
        "yes (" + d.queued() + " of " + d.queued() + ")", d.orderMismatches() + " positions differ");
    check(report, m, "fencing tokens increasing", d.tokenInversions() == 0, "yes", d.tokenInversions()
        + " not above the previous");
    report.add(m, "releases sent on another connection", Integer.toString(d.fallbackReleases()));
    check(report, m, "server state after", d.stateAfter().startsWith("pool held free"), d.stateAfter(),
        d.stateAfter());
    check(report, m, "failures", d.failures().equals("none"), "none", d.failures());
    check(report, m, "child log problems", d.logProblems().isEmpty(), "none",
        String.join(" | ", d.logProblems()));
    check(report, m, "child exit", d.exit().equals("exited 0"), d.exit(), d.exit());
    if (b.allAnswered()) {
      report.add(m, "bare: answer all at once in", Stats.time(b.answerAllNanos()));
    } else {
      report.fail(m, "bare: answer all at once in", "only " + b.answered() + " of " + size + " answered");
    }
    check(report, m, "bare failures", b.failures().equals("none"), "none", b.failures());
    check(report, m, "bare child log problems", b.logProblems().isEmpty(), "none",
        String.join(" | ", b.logProblems()));
    check(report, m, "bare child exit", b.exit().equals("exited 0"), b.exit(), b.exit());
  }

  private static void check(Report report, String measure, String figure, boolean ok, String good, String bad) {
    if (ok) {
      report.add(measure, figure, good);
    } else {
      report.fail(measure, figure, bad);
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
