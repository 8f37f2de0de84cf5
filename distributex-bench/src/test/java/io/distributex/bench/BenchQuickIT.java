package io.distributex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the real {@code bin/distributex-bench --quick} end to end, as CI does, so the benchmark
 * cannot rot: every measure must complete and appear in {@code bench.md} and {@code bench.json}.
 * The figures are not judged. The {@code cli} measure may be "not available" only while {@code
 * bin/distributex} or its jar is not built.
 */
@Timeout(180)
class BenchQuickIT {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> MEASURES =
      List.of("handoff", "throughput", "waiters", "memcached", "etcd", "cli", "contention", "connections",
          "idle-handoff");
  private static final long RUN_LIMIT_SECONDS = 150;

  @Test
  void theQuickRunCompletesEveryMeasureAndWritesBothFiles() throws Exception {
    Path out = HOME.resolve("distributex-bench/target/bench-it");
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve("bench.md"));
    Files.deleteIfExists(out.resolve("bench.json"));
    Path log = out.resolve("output.txt");
    Process bench = new ProcessBuilder(HOME.resolve("bin/distributex-bench").toString(), "--quick", "--out",
        out.toString())
        .directory(HOME.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      if (!bench.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        fail("the quick run took over " + RUN_LIMIT_SECONDS + " s; output so far:\n" + tail(log));
      }
    } finally {
      bench.descendants().forEach(ProcessHandle::destroyForcibly);
      bench.destroyForcibly();
    }
    assertEquals(0, bench.exitValue(), () -> "exit status; output:\n" + tail(log));

    String markdown = Files.readString(out.resolve("bench.md"), StandardCharsets.UTF_8);
    Map<String, String> statuses = statuses(out.resolve("bench.json"));
    assertEquals(MEASURES, List.copyOf(statuses.keySet()), "the measures in bench.json");
    boolean cliBuilt = Files.isExecutable(HOME.resolve("bin/distributex"))
        && Files.isRegularFile(HOME.resolve("distributex-cli/target/distributex.jar"));
    for (String measure : MEASURES) {
      String expected = measure.equals("cli") && !cliBuilt ? "not available" : "completed";
      assertEquals(expected, statuses.get(measure), () -> measure + "'s status; output:\n" + tail(log));
      assertTrue(markdown.contains("\n| " + measure + " | "), () -> measure + " has no row in bench.md");
    }
    assertTrue(markdown.contains("| measure | figure | value |"), "bench.md's table header");
  }

  /** Each measure's name and status, in order; the whole file must parse. */
  private static Map<String, String> statuses(Path json) throws IOException {
    Map<String, String> statuses = new LinkedHashMap<>();
    try (JsonParser parser = new JsonFactory().createParser(json.toFile())) {
      String name = null;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME && parser.currentName().equals("name")) {
          name = parser.nextTextValue();
        } else if (token == JsonToken.FIELD_NAME && parser.currentName().equals("status") && name != null) {
          statuses.put(name, parser.nextTextValue());
        }
      }
    }
    return statuses;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}
