package io.distributex.server;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * The standard JVM and process figures in {@code /metrics}, named, typed and labelled as
 * Prometheus' Java client library writes them ({@code prometheus-metrics-instrumentation-jvm}), so
 * that dashboards and alerts made for any Java service work: {@code jvm_memory_*}, {@code
 * jvm_memory_pool_*}, {@code jvm_buffer_pool_*}, {@code jvm_threads_*}, {@code jvm_classes_*},
 * {@code jvm_gc_collection_seconds}, {@code jvm_compilation_time_seconds_total}, {@code
 * jvm_runtime_info} and {@code process_*}.
 *
 * <p>Written here rather than by the library: it reads the same MXBeans at each scrape, for the
 * cost of a few calls, while the library would add nine jars to the server and about a second of
 * registration on a loaded machine. The figures the library gathers with more machinery (thread
 * states and deadlock search, which stop the JVM at a safepoint; allocation counters, which
 * listen to every collection) are left out. A test compares names, types and labels with the
 * library's own output.
 */
final class JvmProcessMetrics {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private JvmProcessMetrics() {}

  static void write(PrometheusText out) {
    memory(out);
    bufferPools(out);
    threads(out);
    classes(out);
    garbageCollectors(out);
    compilation(out);
    runtime(out);
    process(out);
  }

  private static void memory(PrometheusText out) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    MemoryUsage nonheap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
    areas(out, "jvm_memory_used_bytes", "Used bytes of a given JVM memory area.", MemoryUsage::getUsed, heap, nonheap);
    areas(out, "jvm_memory_committed_bytes", "Committed (bytes) of a given JVM memory area.", MemoryUsage::getCommitted, heap, nonheap);
    areas(out, "jvm_memory_max_bytes", "Max (bytes) of a given JVM memory area.", MemoryUsage::getMax, heap, nonheap);
    areas(out, "jvm_memory_init_bytes", "Initial bytes of a given JVM memory area.", MemoryUsage::getInit, heap, nonheap);
    out.family("jvm_memory_objects_pending_finalization", "gauge", "The number of objects waiting in the finalizer queue.");
    out.sample("jvm_memory_objects_pending_finalization", ManagementFactory.getMemoryMXBean().getObjectPendingFinalizationCount());

    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
    perPool(out, pools, "jvm_memory_pool_used_bytes", "Used bytes of a given JVM memory pool.", MemoryUsage::getUsed);
    perPool(out, pools, "jvm_memory_pool_committed_bytes", "Committed bytes of a given JVM memory pool.", MemoryUsage::getCommitted);
    perPool(out, pools, "jvm_memory_pool_max_bytes", "Max bytes of a given JVM memory pool.", MemoryUsage::getMax);
    perPool(out, pools, "jvm_memory_pool_init_bytes", "Initial bytes of a given JVM memory pool.", MemoryUsage::getInit);
  }

  private static void areas(
      PrometheusText out, String name, String help, ToLongFunction<MemoryUsage> figure, MemoryUsage heap, MemoryUsage nonheap) {
    out.family(name, "gauge", help);
    out.sample(name, figure.applyAsLong(heap), "area", "heap");
    out.sample(name, figure.applyAsLong(nonheap), "area", "nonheap");
  }

  private static void perPool(
      PrometheusText out, List<MemoryPoolMXBean> pools, String name, String help, ToLongFunction<MemoryUsage> figure) {
    out.family(name, "gauge", help);
    for (MemoryPoolMXBean pool : pools) {
      MemoryUsage usage = pool.getUsage();
      if (usage != null) {
        out.sample(name, figure.applyAsLong(usage), "pool", pool.getName());
      }
    }
  }

  private static void bufferPools(PrometheusText out) {
    List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
    perBufferPool(out, pools, "jvm_buffer_pool_used_bytes", "Used bytes of a given JVM buffer pool.", BufferPoolMXBean::getMemoryUsed);
    perBufferPool(out, pools, "jvm_buffer_pool_capacity_bytes", "Bytes capacity of a given JVM buffer pool.", BufferPoolMXBean::getTotalCapacity);
    perBufferPool(out, pools, "jvm_buffer_pool_used_buffers", "Used buffers of a given JVM buffer pool.", BufferPoolMXBean::getCount);
  }

  private static void perBufferPool(
      PrometheusText out, List<BufferPoolMXBean> pools, String name, String help, ToLongFunction<BufferPoolMXBean> figure) {
    out.family(name, "gauge", help);
    pools.forEach(pool -> out.sample(name, figure.applyAsLong(pool), "pool", pool.getName()));
  }

  private static void threads(PrometheusText out) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    gauge(out, "jvm_threads_current", "Current thread count of a JVM", threads.getThreadCount());
    gauge(out, "jvm_threads_daemon", "Daemon thread count of a JVM", threads.getDaemonThreadCount());
    gauge(out, "jvm_threads_peak", "Peak thread count of a JVM", threads.getPeakThreadCount());
    counter(out, "jvm_threads_started_total", "Started thread count of a JVM", Long.toString(threads.getTotalStartedThreadCount()));
  }

  private static void classes(PrometheusText out) {
    ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    gauge(out, "jvm_classes_currently_loaded", "The number of classes that are currently loaded in the JVM", classes.getLoadedClassCount());
    counter(
        out,
        "jvm_classes_loaded_total",
        "The total number of classes that have been loaded since the JVM has started execution",
        Long.toString(classes.getTotalLoadedClassCount()));
    counter(
        out,
        "jvm_classes_unloaded_total",
        "The total number of classes that have been unloaded since the JVM has started execution",
        Long.toString(classes.getUnloadedClassCount()));
  }

  private static void garbageCollectors(PrometheusText out) {
    String name = "jvm_gc_collection_seconds";
    out.family(name, "summary", "Time spent in a given JVM garbage collector in seconds.");
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      out.sample(name + "_count", Math.max(0, collector.getCollectionCount()), "gc", collector.getName());
      out.sample(name + "_sum", PrometheusText.seconds(Math.max(0, collector.getCollectionTime())), "gc", collector.getName());
    }
  }

  private static void compilation(PrometheusText out) {
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    if (compiler != null && compiler.isCompilationTimeMonitoringSupported()) {
      counter(
          out,
          "jvm_compilation_time_seconds_total",
          "The total time in seconds taken for HotSpot class compilation",
          PrometheusText.seconds(compiler.getTotalCompilationTime()));
    }
  }

  private static void runtime(PrometheusText out) {
    out.family("jvm_runtime_info", "gauge", "JVM runtime info");
    out.sample(
        "jvm_runtime_info",
        1,
        "runtime",
        property("java.runtime.name"),
        "vendor",
        property("java.vm.vendor"),
        "version",
        property("java.runtime.version"));
  }

  private static void process(PrometheusText out) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      long cpuNanos = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
      if (cpuNanos >= 0) {
        counter(
            out,
            "process_cpu_seconds_total",
            "Total user and system CPU time spent in seconds.",
            BigDecimal.valueOf(cpuNanos, 9).stripTrailingZeros().toPlainString());
      }
    }
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    out.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
    out.sample("process_start_time_seconds", PrometheusText.seconds(runtime.getStartTime()));
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
      com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
      gauge(out, "process_open_fds", "Number of open file descriptors.", unix.getOpenFileDescriptorCount());
      gauge(out, "process_max_fds", "Maximum number of open file descriptors.", unix.getMaxFileDescriptorCount());
    }
    List<String> status = procStatus();
    kilobytes(status, "VmSize:").ifPresent(bytes -> gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", bytes));
    kilobytes(status, "VmRSS:").ifPresent(bytes -> gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", bytes));
  }

  /** The lines of {@code /proc/self/status}; none where there is no such file (not Linux). */
  private static List<String> procStatus() {
    try {
      return Files.readAllLines(PROC_STATUS, StandardCharsets.US_ASCII);
    } catch (IOException | SecurityException | UnsupportedOperationException unreadable) {
      return List.of();
    }
  }

  /** The value of the {@code key} line of {@code /proc/self/status} ("VmRSS:  1234 kB"), in bytes. */
  private static OptionalLong kilobytes(List<String> status, String key) {
    for (String line : status) {
      if (line.startsWith(key)) {
        try {
          return OptionalLong.of(Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]) * 1024);
        } catch (NumberFormatException malformed) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  private static void gauge(PrometheusText out, String name, String help, long value) {
    out.family(name, "gauge", help);
    out.sample(name, value);
  }

  private static void counter(PrometheusText out, String name, String help, String value) {
    out.family(name, "counter", help);
    out.sample(name, value);
  }

  private static String property(String key) {
    return System.getProperty(key, "unknown");
  }
}
