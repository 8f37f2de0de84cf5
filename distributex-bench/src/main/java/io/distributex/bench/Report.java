package io.distributex.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a run: rows of measure, figure and value, printed as they come (so a long run
 * shows progress) and again as one table at the end. A row added with {@link #fail} marks the
 * run as failed.
 */
final class Report {
  /** One figure of one measure. */
  record Row(String measure, String figure, String value) {}

  private final List<Row> rows = new ArrayList<>();
  private final PrintStream progress;
  private boolean failed;

  Report(PrintStream progress) {
    this.progress = progress;
  }

  /** Records a figure. */
  synchronized void add(String measure, String figure, String value) {
    rows.add(new Row(measure, figure, value));
    progress.printf("  %-11s %-36s %s%n", measure, figure, value);
    progress.flush();
  }

  /** Records a failure: the run ends with a non-zero exit status. */
  synchronized void fail(String measure, String figure, String value) {
    failed = true;
    add(measure, figure, "FAILED: " + value);
  }

  /** A line of progress that is not a figure. */
  synchronized void note(String text) {
    progress.println("  # " + text);
    progress.flush();
  }

  synchronized boolean failed() {
    return failed;
  }

  /** Prints every row as a table with aligned columns. */
  synchronized void print(PrintStream out) {
    int measureWidth = "measure".length();
    int figureWidth = "figure".length();
    for (Row row : rows) {
      measureWidth = Math.max(measureWidth, row.measure().length());
      figureWidth = Math.max(figureWidth, row.figure().length());
    }
    String format = "%-" + measureWidth + "s  %-" + figureWidth + "s  %s%n";
    out.printf(format, "measure", "figure", "value");
    out.printf(format, "-".repeat(measureWidth), "-".repeat(figureWidth), "-----");
    for (Row row : rows) {
      out.printf(format, row.measure(), row.figure(), row.value());
    }
    out.flush();
  }
}
