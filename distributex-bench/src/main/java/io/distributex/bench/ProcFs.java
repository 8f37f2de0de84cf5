package io.distributex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What Linux's {@code /proc} tells of another process: CPU time, descriptors, memory, limits. */
final class ProcFs {
  /** Clock ticks per second of {@code /proc/PID/stat}'s times (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private ProcFs() {}

  /** CPU time the process has used, user and system, in seconds. */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name, in parentheses, may hold spaces: count the fields after its end.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /** Descriptors the process has open. */
  static long openFiles(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    }
  }

  /** The process's resident memory, in bytes. */
  static long residentBytes(long pid) throws IOException {
    return field(pid, "status", "VmRSS:") * 1024;
  }

  /** The process's (soft) limit of open files. */
  static long openFilesLimit(long pid) throws IOException {
    return field(pid, "limits", "Max open files");
  }

  /** The first number after {@code label} on its line of {@code /proc/PID/file}. */
  private static long field(long pid, String file, String label) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
      if (line.startsWith(label)) {
        return Long.parseLong(line.substring(label.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no '" + label + "' in /proc/" + pid + "/" + file);
  }
}
