package io.distributex.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of a run: rows of measure, figure, value and, for the goals, the goal and
 * whether it was met; printed as they come (so a long run shows progress) and again as one table
 * at the end. A goal not met is a figure like any other. A row added with {@link #fail} (a
 * correctness check that failed, or a measure that could not run) marks the measure and the run
 * as failed.
 */
final class Report {
  /** What a row says about a goal or check. */
  enum Verdict {
    /** A plain figure. */
    NONE(""),
    MET("yes"),
    NOT_MET("no"),
    /** A check failed or the measure could not run: the run fails. */
    FAILED("FAILED");

    final String text;

    Verdict(String text) {
      this.text = text;
    }
  }

  /** One figure of one measure; {@code goal} is empty for a plain figure. */
  record Row(String measure, String figure, String value, String goal, Verdict verdict) {}

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

  /** Records a plain figure. */
  void add(String measure, String figure, String value) {
    row(new Row(measure, figure, value, "", Verdict.NONE));
  }

  /** Records a figure the issue sets a goal for, and whether the goal was met. */
  void goal(String measure, String figure, String value, String goal, boolean met) {
    row(new Row(measure, figure, value, goal, met ? Verdict.MET : Verdict.NOT_MET));
  }

  /** Records a failure: the measure's result is not valid and the run ends with exit status 1. */
  void fail(String measure, String figure, String value) {
    row(new Row(measure, figure, "FAILED: " + value, "", Verdict.FAILED));
  }

  /** Records a correctness check: {@code good} when it holds, else a failure with {@code bad}. */
  void check(String measure, String figure, boolean ok, String good, String bad) {
    if (ok) {
      add(measure, figure, good);
    } else {
      fail(measure, figure, bad);
    }
  }

  /**
   * Records a check that is also one of the goals: met when it holds, else a failure
   * (the run ends with exit status 1), as for {@link #check}.
   */
  void checkGoal(String measure, String figure, String value, String goal, boolean ok) {
    row(new Row(measure, figure, ok ? value : "FAILED: " + value, goal, ok ? Verdict.MET : Verdict.FAILED));
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
    boolean failed = rows.stream().anyMatch(r -> r.measure().equals(measure) && r.verdict() == Verdict.FAILED);
    Status status =
        failed ? Status.FAILED : unavailable.contains(measure) ? Status.NOT_AVAILABLE : Status.COMPLETED;
    outcomes.put(measure, new Outcome(measure, status, runNanos));
    add(measure, "run time", Stats.time(runNanos) + " (" + status.text + ")");
  }

  /** Whether any measure failed. */
  synchronized boolean failed() {
    return rows.stream().anyMatch(r -> r.verdict() == Verdict.FAILED);
  }

  synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  synchronized List<Outcome> outcomes() {
    return List.copyOf(outcomes.values());
  }

  /** {@code "9 of 12"}: the goals met of those measured. */
  synchronized String goalsMet() {
    long met = rows.stream().filter(r -> r.verdict() == Verdict.MET).count();
    long all = rows.stream().filter(r -> !r.goal().isEmpty()).count();
    return met + " of " + all;
  }

  /** Prints every row as a table with aligned columns. */
  synchronized void print(PrintStream out) {
    int[] widths = {"measure".length(), "figure".length(), "value".length(), "goal".length()};
    for (Row row : rows) {
      widths[0] = Math.max(widths[0], row.measure().length());
      widths[1] = Math.max(widths[1], row.figure().length());
      widths[2] = Math.max(widths[2], row.value().length());
      widths[3] = Math.max(widths[3], row.goal().length());
    }
    String format = "%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %-" + widths[3] + "s  %s%n";
    out.printf(format, "measure", "figure", "value", "goal", "met");
    out.printf(format, "-".repeat(widths[0]), "-".repeat(widths[1]), "-".repeat(widths[2]), "-".repeat(widths[3]),
        "---");
    for (Row row : rows) {
      out.printf(format, row.measure(), row.figure(), row.value(), row.goal(), row.verdict().text);
    }
    out.flush();
  }

  private synchronized void row(Row row) {
    rows.add(row);
    String goal = row.goal().isEmpty() ? "" : "   [goal " + row.goal() + ": " + row.verdict().text + "]";
    progress.printf("  %-11s %-36s %s%s%n", row.measure(), row.figure(), row.value(), goal);
    progress.flush();
  }
}
