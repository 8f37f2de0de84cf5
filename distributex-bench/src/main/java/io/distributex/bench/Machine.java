package io.distributex.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The machine a run measured, for the report: its figures mean little without it.
 *
 * @param cores processors available to the JVM
 * @param memoryBytes physical memory
 * @param cpu the processor's model name (from {@code /proc/cpuinfo}), or "unknown"
 * @param jdk the JVM's name, vendor and version
 * @param os operating system name, version and architecture
 */
record Machine(int cores, long memoryBytes, String cpu, String jdk, String os) {
  /** This machine. */
  static Machine current() {
    long memory = ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : -1;
    String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vm.vendor") + ")";
    String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch");
    return new Machine(Runtime.getRuntime().availableProcessors(), memory, cpuModel(), jdk, os);
  }

  /** Memory in GiB, one decimal. */
  String memory() {
    return String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (1024.0 * 1024 * 1024));
  }

  /** One line: {@code 2 cores (CPU), 23.4 GiB, JDK, OS}. */
  String describe() {
    return cores + " cores (" + cpu + "), " + memory() + ", " + jdk + ", " + os;
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException notLinux) {
      return "unknown";
    }
  }
}
