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
final class BareWaiters extends WaiterRun {
  /** The figures of one run. */
  record Result(Heap before, Heap held, Heap after, boolean allAnswered, int answered, long answerAllNanos,
      String failures, List<String> logProblems, String exit) {}

  private final Duration answerTimeout;
  private final boolean[] answeredBy;
  private WaiterDriver driver;
  private boolean released;
  private int answered;
  private int finished;
  private long lastAnswer;

  BareWaiters(int size, Duration answerTimeout) {
    super(size);
    this.answerTimeout = answerTimeout;
    this.answeredBy = new boolean[size];
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
        openAll(driver, () -> count(child), System.nanoTime() + Duration.ofSeconds(size / 100 + 30).toNanos());
        held = Heap.parse(child.ask("heap", ASK_TIMEOUT));
        long start = System.nanoTime();
        released = true;
        String reply = child.ask("release", answerTimeout);
        if (!reply.equals("released " + size)) {
          failure("the child answered '" + reply + "' to release");
        }
        all = driver.pump(() -> finished == size, start + answerTimeout.toNanos());
        answerAll = lastAnswer - start;
      }
      after = Heap.parse(child.ask("heap", ASK_TIMEOUT));
    } finally {
      child.close();
    }
    return new Result(before, held, after, all, answered, answerAll, failureSummary(), child.logProblems(),
        child.exitState());
  }

  private static int count(ChildProcess child) throws IOException {
    String reply = child.ask("count", ASK_TIMEOUT);
    if (!reply.startsWith("count ")) {
      throw new IOException("the child answered '" + reply + "' to count");
    }
    return Integer.parseInt(reply.substring(6).trim());
  }

  @Override
  public void onResponse(WaiterDriver.Conn conn, HttpResponse response) {
    if (!released) {
      failure("w" + conn.index + " answered before release: " + response.summary());
    } else if (!response.is("YES")) {
      failure("w" + conn.index + " answered " + response.summary());
    } else {
      answered++;
      lastAnswer = System.nanoTime();
    }
    done(conn);
  }

  @Override
  public void onClosed(WaiterDriver.Conn conn, IOException cause) {
    failure("w" + conn.index + "'s connection ended before its answer" + (cause == null ? "" : ": " + cause));
    done(conn);
  }

  private void done(WaiterDriver.Conn conn) {
    if (!answeredBy[conn.index]) {
      answeredBy[conn.index] = true;
      finished++;
    }
    driver.close(conn);
  }
}
