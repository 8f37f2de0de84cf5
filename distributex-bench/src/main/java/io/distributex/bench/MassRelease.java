package io.distributex.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The mass-release run of the {@code waiters} measure, in a child JVM of its own. Pool {@code
 * mass} is a semaphore with as many slots as {@link DistributexWaiters#MAX_WAITERS}; hosts
 * {@code m0, m1, ...} take every slot (through the child's backend), so the N connections that
 * then send {@code /wait/?pool=mass} all queue. The child then releases N holders in one loop:
 * N slots free at once, each handed to the next waiter. The clock runs from the driver's command
 * to the last {@code YES}, as in {@link BareWaiters}, whose child answers its N parked exchanges
 * in one loop: the same shape with no lock service in it. Each waiter keeps its slot; the child
 * exits after.
 */
final class MassRelease extends AnswerAllRun {
  /**
   * The figures of one run.
   *
   * @param answerAllNanos from the release command to the last {@code YES}
   * @param loopNanos the child's release loop alone; -1 when it did not say
   */
  record Result(boolean allAnswered, int answered, long answerAllNanos, long loopNanos, String failures,
      List<String> logProblems, String exit) {}

  private final Duration answerTimeout;

  MassRelease(int size, Duration answerTimeout) {
    super(size);
    this.answerTimeout = answerTimeout;
  }

  Result run() throws IOException {
    boolean all;
    long answerAll;
    long loop = -1;
    ChildProcess child = ChildProcess.start("distributex", DistributexWaiters.MAX_WAITERS);
    try {
      InetSocketAddress address = new InetSocketAddress(Servers.LOOPBACK, child.port());
      try (WaiterDriver waiters = new WaiterDriver(address, size, this)) {
        driver = waiters;
        String held = "held " + DistributexWaiters.MAX_WAITERS;
        String reply = child.ask("hold " + DistributexWaiters.MAX_WAITERS, ASK_TIMEOUT);
        if (!reply.equals(held)) {
          throw new IOException("the child answered '" + reply + "' instead of '" + held + "'");
        }
        // Counted by the child's backend: /status would list every one of the holders each time.
        openAll(driver, Servers.MASS_POOL, () -> childCount(child));
        long start = System.nanoTime();
        released = true;
        reply = child.ask("free " + size, answerTimeout);
        if (reply.startsWith("freed " + size + " ")) {
          loop = Long.parseLong(reply.substring(reply.lastIndexOf(' ') + 1));
        } else {
          failure("the child answered '" + reply + "' to free");
        }
        all = pumpUntilAllDone(start + answerTimeout.toNanos());
        answerAll = lastAnswer - start;
      }
    } finally {
      child.close();
    }
    return new Result(all, answered, answerAll, loop, failureSummary(), child.logProblems(), child.exitState());
  }
}
