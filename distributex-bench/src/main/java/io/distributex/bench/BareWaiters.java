package io.distributex.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The floor run of the {@code waiters} measure: the same N connections and requests, held by a
 * {@link BareServer} in a child JVM that parks every exchange (counted by the child itself),
 * then answers them all {@code YES} at once. Its heap growth per exchange is what the JDK server
 * alone costs per parked request.
 */
final class BareWaiters extends AnswerAllRun {
  /** The figures of one run. */
  record Result(Heap before, Heap held, Heap after, boolean allAnswered, int answered, long answerAllNanos,
      String failures, List<String> logProblems, String exit) {}

  private final Duration answerTimeout;

  BareWaiters(int size, Duration answerTimeout) {
    super(size);
    this.answerTimeout = answerTimeout;
  }

  Result run() throws IOException {
    Heap before;
    Heap held;
    Heap after;
    boolean all;
    long answerAll;
    ChildProcess child = ChildProcess.start("bare", 0);
    try {
      InetSocketAddress address = new InetSocketAddress(Servers.LOOPBACK, child.port());
      try (WaiterDriver waiters = new WaiterDriver(address, size, this)) {
        driver = waiters;
        before = Heap.parse(child.ask("heap", ASK_TIMEOUT));
        openAll(driver, "held", () -> childCount(child));
        held = Heap.parse(child.ask("heap", ASK_TIMEOUT));
        long start = System.nanoTime();
        released = true;
        String reply = child.ask("release", answerTimeout);
        if (!reply.equals("released " + size)) {
          failure("the child answered '" + reply + "' to release");
        }
        all = pumpUntilAllDone(start + answerTimeout.toNanos());
        answerAll = lastAnswer - start;
      }
      after = Heap.parse(child.ask("heap", ASK_TIMEOUT));
    } finally {
      child.close();
    }
    return new Result(before, held, after, all, answered, answerAll, failureSummary(), child.logProblems(),
        child.exitState());
  }
}
