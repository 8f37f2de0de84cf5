package io.distributex.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the two runs of the {@code waiters} measure share: a child server, a {@link WaiterDriver}
 * holding the waiting requests, opening them in paced batches (never more in flight than the
 * server's accept backlog), and the failures seen on the way.
 */
abstract class WaiterRun implements WaiterDriver.Listener {
  /** Connections opened before the server must have counted them: half its accept backlog. */
  static final int BATCH = 500;
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(60);
  private static final int KEPT_FAILURES = 10;

  /** Tells how many waiters the server holds now. */
  interface Counter {
    int count() throws IOException;
  }

  final int size;
  private final List<String> failures = new ArrayList<>();
  private int failureCount;

  WaiterRun(int size) {
    this.size = size;
  }

  /** How many requests the child's server holds, as it says itself ({@code count}). */
  static int childCount(ChildProcess child) throws IOException {
    String reply = child.ask("count", ASK_TIMEOUT);
    if (!reply.startsWith("count ")) {
      throw new IOException("the child answered '" + reply + "' to count");
    }
    return Integer.parseInt(reply.substring(6).trim());
  }

  /** Records a failure (the first few messages are kept). */
  final void failure(String message) {
    failureCount++;
    if (failures.size() < KEPT_FAILURES) {
      failures.add(message);
    }
  }

  final int failureCount() {
    return failureCount;
  }

  /** The failures seen, for the report: "none", or the count and the first messages. */
  final String failureSummary() {
    return failureCount == 0 ? "none" : failureCount + ": " + String.join("; ", failures);
  }

  /**
   * Opens {@code size} connections, each sending {@code /wait/?pool=POOL&host=wN}: w0 alone first
   * (so it is certainly first in the queue), then batches of {@link #BATCH}, each awaited until
   * the server counts it; all within 30 s plus 10 ms per connection.
   *
   * @throws IOException when a batch is not written or not counted before the deadline, or a
   *     connection failed
   */
  final void openAll(WaiterDriver driver, String pool, Counter counter) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(size / 100 + 30).toNanos();
    int opened = 0;
    int batch = 1;
    while (opened < size) {
      int end = Math.min(size, opened + batch);
      for (int i = opened; i < end; i++) {
        driver.open(i, "/wait/?pool=" + pool + "&host=w" + i);
      }
      opened = end;
      if (!driver.pump(() -> driver.unsent() == 0 || failureCount > 0, deadline)) {
        throw new IOException(driver.unsent() + " of " + opened + " requests still unwritten at the deadline");
      }
      while (true) {
        if (failureCount > 0) {
          throw new IOException("while opening waiters: " + failureSummary());
        }
        int counted = counter.count();
        if (counted >= opened) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the server counts " + counted + " of " + opened + " waiters at the deadline");
        }
        driver.pumpFor(5);
      }
      batch = BATCH;
    }
  }
}
