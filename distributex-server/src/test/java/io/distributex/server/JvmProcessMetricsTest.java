package io.distributex.server;

import static io.distributex.server.ServerTestSupport.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JVM and process figures of {@code /metrics} against Prometheus' Java client library, which
 * dashboards for Java services are made for: every such family we write is one the library
 * writes, with the same type and label names. (The whole output passing {@code promtool check
 * metrics} is {@link MetricsTest}'s.)
 */
@Timeout(60)
class JvmProcessMetricsTest extends ServerTestBase {
  private static final List<String> EXPECTED =
      List.of(
          "jvm_memory_used_bytes",
          "jvm_memory_committed_bytes",
          "jvm_memory_max_bytes",
          "jvm_memory_pool_used_bytes",
          "jvm_buffer_pool_used_bytes",
          "jvm_threads_current",
          "jvm_threads_daemon",
          "jvm_threads_peak",
          "jvm_threads_started_total",
          "jvm_classes_currently_loaded",
          "jvm_classes_loaded_total",
          "jvm_gc_collection_seconds",
          "jvm_runtime_info",
          "process_cpu_seconds_total",
          "process_start_time_seconds",
          "process_open_fds",
          "process_max_fds",
          "process_resident_memory_bytes",
          "process_virtual_memory_bytes");

  @Test
  void theStandardFamiliesAreThereAndTellTheTruth() {
    Exposition ours = metrics(server);
    for (String family : EXPECTED) {
      assertTrue(ours.families().containsKey(family), family + " missing from " + ours.families().keySet());
    }
    assertTrue(ours.value("jvm_threads_current") >= 1);
    assertTrue(ours.value("jvm_memory_used_bytes", "area", "heap") > 0);
    assertTrue(ours.value("process_open_fds") > 0);
    double started = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0;
    assertEquals(started, ours.value("process_start_time_seconds"), 0.001);
  }

  @Test
  void namesTypesAndLabelsAreThoseOfPrometheusJavaClient() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(text, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    Exposition library = Exposition.parse(text.toString(StandardCharsets.UTF_8));

    Exposition ours = metrics(server);
    for (Map.Entry<String, String> family : ours.families().entrySet()) {
      String name = family.getKey();
      if (!name.startsWith("jvm_") && !name.startsWith("process_")) {
        continue;
      }
      assertEquals(library.type(name), family.getValue(), "type of " + name + " (null: the library has no such family)");
      assertEquals(library.labelNames(name), ours.labelNames(name), "label names of " + name);
    }
  }
}
