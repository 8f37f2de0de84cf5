package io.distributex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmark's own processes ({@link ChildProcess}, {@link MemcachedProcess}) share: a
 * shutdown hook that destroys those still running if the driver is interrupted, their ending, and
 * the removal of their temporary logs.
 */
final class Processes {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  private Processes() {}

  /** Has {@code process} destroyed by the shutdown hook until {@link #end} is called for it. */
  static void track(Process process) {
    LIVE.add(process);
  }

  /**
   * Gives {@code process} {@code exitWait} to exit by itself, then ends it (SIGTERM, then SIGKILL
   * after 3 s) and waits up to 3 s more. Always returns; an interrupt destroys it at once and is kept.
   */
  static void end(Process process, Duration exitWait) {
    try {
      if (!process.waitFor(exitWait.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroy();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(3, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException interrupted) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      LIVE.remove(process);
    }
  }

  /** Deletes a process's temporary log, if it can. */
  static void deleteLog(Path log) {
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a stray temporary file
    }
  }
}
