package io.distributex.bench;

/** One benchmark: starts what it measures, measures it within bounded time, reports figures. */
interface Measure {
  /** The name on the command line and in the table. */
  String name();

  /**
   * Runs the measure and adds its figures to {@code report}.
   *
   * @param quick the short variant (CI): fewer samples, shorter windows
   */
  void run(boolean quick, Report report) throws Exception;
}
