package io.distributex.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of a run: rows of measure, figure and value, printed as they come (so a long run
 * shows progress) and again as one table at the end. A row added with {@link #fail} (a
 * correctness check that failed, or a measure that could not run) marks the measure and the run
 * as failed. No row judges a figure: the references beside them, measured in the same run, do.
 */
final class Report {
  /**
   * One figure of one measure.
   *
   * @param failed whether it reports a failure, which fails the run
   */
  record Row(String measure, String figure, String value, boolean failed) {}

  /** How a measure ended. */
  enum Status {
    COMPLETED("completed"),
    FAILED("failed"),
    NOT_AVAILABLE("not available");

    final String text;

    Status(String text) {
      this.text = text;
    }
  }

  /** One measure's outcome and how long it ran. */
  record Outcome(String measure, Status status, long runNanos) {}

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Outcome> outcomes = new LinkedHashMap<>();
  private final List<String> unavailable = new ArrayList<>();
  private final PrintStream progress;

  Report(PrintStream progress) {
    this.progress = progress;
  }

  /** Records a figure. */
  void add(String measure, String figure, String value) {
    row(new Row(measure, figure, value, false));
  }

  /** Records a failure: the measure's result is not valid and the run ends with exit status 1. */
  void fail(String measure, String figure, String value) {
    row(new Row(measure, figure, "FAILED: " + value, true));
  }

  /** Records a correctness check: {@code good} when it holds, else a failure with {@code bad}. */
  void check(String measure, String figure, boolean ok, String good, String bad) {
    if (ok) {
      add(measure, figure, good);
    } else {
      fail(measure, figure, bad);
    }
  }

  /** The measure cannot run here (something it needs is missing): neither figures nor failure. */
  void unavailable(String measure, String reason) {
    synchronized (this) {
      unavailable.add(measure);
    }
    add(measure, "available", "no: " + reason);
  }

  /** A line of progress that is not a figure. */
  synchronized void note(String text) {
    progress.println("  # " + text);
    progress.flush();
  }

  /** Records how measure {@code measure} ended: {@code thrown} non-null when it threw. */
  synchronized void finished(String measure, long runNanos, Throwable thrown) {
    if (thrown != null) {
      fail(measure, "run", thrown.toString());
    }
    boolean failed = rows.stream().anyMatch(r -> r.measure().equals(measure) && r.failed());
    Status status =
        failed ? Status.FAILED : unavailable.contains(measure) ? Status.NOT_AVAILABLE : Status.COMPLETED;
    outcomes.put(measure, new Outcome(measure, status, runNanos));
    add(measure, "run time", Stats.time(runNanos) + " (" + status.text + ")");
  }

  /** Whether any measure failed. */
  synchronized boolean failed() {
    return rows.stream().anyMatch(Row::failed);
  }

  synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  synchronized List<Outcome> outcomes() {
    return List.copyOf(outcomes.values());
  }

  /** Prints every row as a table with aligned columns. */
  synchronized void print(PrintStream out) {
    int[] widths = {"measure".length(), "figure".length()};
    for (Row row : rows) {
      widths[0] = Math.max(widths[0], row.measure().length());
      widths[1] = Math.max(widths[1], row.figure().length());
    }
    String format = "%-" + widths[0] + "s  %-" + widths[1] + "s  %s%n";
    out.printf(format, "measure", "figure", "value");
    out.printf(format, "-".repeat(widths[0]), "-".repeat(widths[1]), "-----");
    for (Row row : rows) {
      out.printf(format, row.measure(), row.figure(), row.value());
    }
    out.flush();
  }

  private synchronized void row(Row row) {
    rows.add(row);
    progress.printf("  %-11s %-36s %s%n", row.measure(), row.figure(), row.value());
    progress.flush();
  }
}
