package io.distributex.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs one of the JMH benchmarks from the driver, in a fork of its own per parameter value, as
 * JMH does by default, with {@link FigureProfiler}. JMH's own output goes to a temporary log,
 * deleted when the run succeeds and named in the error when it fails. Each fork starts with a
 * cold JIT, which on 2 cores takes several seconds of load to compile a server's busy paths: the
 * full runs warm up for 5 to 12 s.
 */
final class Jmh {
  /** The longest one iteration may take before JMH gives up on it. */
  private static final TimeValue ITERATION_TIMEOUT = TimeValue.seconds(60);

  /**
   * How long a benchmark warms up and is measured.
   *
   * @param warmups warm-up iterations
   * @param warmup the time of each
   * @param measurements measured iterations
   * @param measurement the time of each
   */
  record Plan(int warmups, Duration warmup, int measurements, Duration measurement) {
    /** {@code 2 x 1.0 s after 3 x 1.0 s warm-up}, for the report. */
    String describe() {
      return measurements + " x " + seconds(measurement) + " after " + warmups + " x " + seconds(warmup)
          + " warm-up";
    }

    private static String seconds(Duration time) {
      return time.toMillis() / 1000.0 + " s";
    }
  }

  private Jmh() {}

  /**
   * Runs {@code benchmark} with {@code params} (each name to its values: one fork per value) as
   * {@code plan} says; returns one result per fork.
   */
  static Collection<RunResult> run(Class<?> benchmark, Plan plan, Map<String, List<String>> params, Report report)
      throws IOException, RunnerException {
    Path log = Files.createTempFile("distributex-bench-jmh-", ".log");
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("^" + Pattern.quote(benchmark.getName() + "."))
        .forks(1)
        .warmupIterations(plan.warmups())
        .warmupTime(TimeValue.milliseconds(plan.warmup().toMillis()))
        .measurementIterations(plan.measurements())
        .measurementTime(TimeValue.milliseconds(plan.measurement().toMillis()))
        .timeout(ITERATION_TIMEOUT)
        .addProfiler(FigureProfiler.class)
        .shouldFailOnError(true)
        .verbosity(VerboseMode.NORMAL)
        .output(log.toString());
    params.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
    report.note("JMH " + benchmark.getSimpleName() + " " + params + ": " + plan.describe());
    Collection<RunResult> results;
    try {
      results = new Runner(options.build()).run();
    } catch (RunnerException | RuntimeException e) {
      throw new IllegalStateException("JMH " + benchmark.getSimpleName() + " failed (its log: " + log + "): "
          + lastLines(log), e);
    }
    Files.deleteIfExists(log);
    return results;
  }

  /** The result of the fork whose parameter {@code param} was {@code value}. */
  static RunResult find(Collection<RunResult> results, String param, String value) {
    return results.stream()
        .filter(result -> value.equals(result.getParams().getParam(param)))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("JMH ran no " + param + "=" + value));
  }

  /** The secondary result {@code label} of {@code result} (from {@link FigureProfiler}). */
  static double figure(RunResult result, String label) {
    Result<?> figure = result.getSecondaryResults().get(label);
    if (figure == null) {
      throw new IllegalStateException("no figure '" + label + "' in " + result.getSecondaryResults().keySet());
    }
    return figure.getScore();
  }

  private static String lastLines(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException unreadable) {
      return "(cannot read it: " + unreadable + ")";
    }
  }
}
