package io.distributex.bench;

import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Distributex run of the {@code waiters} measure. In a child JVM, host {@code holder} takes
 * pool {@code held}; N connections queue {@code /wait/} behind it (counted through {@code
 * /status}); the heap and threads they cost are read; {@code /get/} on pool {@code other} is
 * timed with them held; then the holder releases and every waiter, on its {@code YES}, releases
 * on its own connection and closes it, so the lock runs down the whole queue. The time until the
 * last {@code YES}, the grant order against the queue order, the fencing tokens and the server's
 * state afterwards are checked.
 */
final class DistributexWaiters extends WaiterRun {
  /** Above the largest run, so the limit itself is not measured. */
  static final int MAX_WAITERS = 20_000;

  private static final Pattern WAITER = Pattern.compile("\\{\"host\":\"w(\\d+)\",\"since\"");
  private static final int LATENCY_CALLS = 200;

  private enum Phase {
    PARKED,
    RELEASING,
    DONE
  }

  /** The figures of one run. */
  record Result(
      int queued,
      Heap before,
      Heap held,
      Heap after,
      Stats getIdle,
      Stats getLoaded,
      boolean allAnswered,
      int answered,
      long chainNanos,
      boolean firstIsW0,
      int orderMismatches,
      int tokenInversions,
      int fallbackReleases,
      String stateAfter,
      String failures,
      List<String> logProblems,
      String exit) {}

  private final Phase[] phase;
  private final int[] grantOrder;
  private final Duration chainTimeout;
  private RawHttpConnection ctl;
  private WaiterDriver driver;
  private boolean holderReleased;
  private int grants;
  private int answered;
  private int finished;
  private long lastAnswer;
  private long lastToken;
  private int tokenInversions;
  private int fallbackReleases;

  DistributexWaiters(int size, Duration chainTimeout) {
    super(size);
    this.phase = new Phase[size];
    this.grantOrder = new int[size];
    this.chainTimeout = chainTimeout;
    Arrays.fill(phase, Phase.PARKED);
  }

  Result run() throws IOException {
    Heap before;
    Heap held;
    Heap after;
    Stats idle;
    Stats loaded;
    List<Integer> queue;
    boolean all;
    long chain;
    String state;
    List<String> problems;
    ChildProcess child = ChildProcess.start("distributex", MAX_WAITERS);
    try {
      InetSocketAddress address = new InetSocketAddress(Servers.LOOPBACK, child.port());
      try (RawHttpConnection control = RawHttpConnection.open(address, Duration.ofSeconds(30));
          WaiterDriver waiters = new WaiterDriver(address, size, this)) {
        ctl = control;
        driver = waiters;
        Protocol.expect(ctl.call("/get/?pool=held&host=holder"), "YES", "holder's /get/");
        getLatency(LATENCY_CALLS); // warm-up
        idle = getLatency(LATENCY_CALLS);
        before = Heap.parse(child.ask("heap", ASK_TIMEOUT));

        openAll(driver, "held", this::queued);
        queue = queueOrder(ctl.call("/status"));
        held = Heap.parse(child.ask("heap", ASK_TIMEOUT));
        loaded = getLatency(LATENCY_CALLS);

        long start = System.nanoTime();
        holderReleased = true;
        ctl.send("/release/?pool=held&host=holder");
        Protocol.expect(ctl.read(), "OK", "holder's /release/");
        all = driver.pump(() -> finished == size, start + chainTimeout.toNanos());
        chain = lastAnswer - start;
        state = stateAfter(ctl.call("/status"));
        Protocol.expect(ctl.call("/release/?pool=other&host=x"), "OK", "x's /release/");
      }
      after = Heap.parse(child.ask("heap", ASK_TIMEOUT));
    } finally {
      child.close();
    }
    problems = child.logProblems();
    boolean firstIsW0 = grants > 0 && grantOrder[0] == 0;
    int mismatches = 0;
    for (int i = 0; i < Math.max(grants, queue.size()); i++) {
      if (i >= grants || i >= queue.size() || grantOrder[i] != queue.get(i)) {
        mismatches++;
      }
    }
    return new Result(queue.size(), before, held, after, idle, loaded, all, answered, chain, firstIsW0,
        mismatches, tokenInversions, fallbackReleases, state, failureSummary(), problems, child.exitState());
  }

  @Override
  public void onResponse(WaiterDriver.Conn conn, RawHttpResponse response) throws IOException {
    int i = conn.index;
    switch (phase[i]) {
      case PARKED -> {
        if (!holderReleased) {
          failure("w" + i + " answered while the lock was still held: " + response);
          done(conn);
          return;
        }
        answered++;
        lastAnswer = System.nanoTime();
        if (!response.is("YES")) {
          failure("w" + i + " answered " + response);
          done(conn);
          return;
        }
        grantOrder[grants++] = i;
        String token = response.header("X-Distributex-Token");
        long value = token == null ? -1 : Long.parseLong(token);
        if (value <= lastToken) {
          tokenInversions++;
        }
        lastToken = value;
        if (response.closesConnection()) {
          releaseElsewhere(i);
          done(conn);
        } else {
          phase[i] = Phase.RELEASING;
          driver.send(conn, "/release/?pool=held&host=w" + i);
        }
      }
      case RELEASING -> {
        if (!response.is("OK")) {
          failure("w" + i + "'s /release/ answered " + response);
        }
        done(conn);
      }
      case DONE -> failure("w" + i + " answered again: " + response);
    }
  }

  @Override
  public void onClosed(WaiterDriver.Conn conn, IOException cause) {
    int i = conn.index;
    switch (phase[i]) {
      case PARKED -> {
        failure("w" + i + "'s connection ended before its answer" + (cause == null ? "" : ": " + cause));
        done(conn);
      }
      case RELEASING -> {
        releaseElsewhere(i);
        done(conn);
      }
      case DONE -> { }
    }
  }

  private void done(WaiterDriver.Conn conn) {
    if (phase[conn.index] != Phase.DONE) {
      phase[conn.index] = Phase.DONE;
      finished++;
    }
    driver.close(conn);
  }

  /** The server closed wN's connection after its YES: release wN on the control connection. */
  private void releaseElsewhere(int i) {
    fallbackReleases++;
    try {
      RawHttpResponse response = ctl.call("/release/?pool=held&host=w" + i);
      if (!response.is("OK")) {
        failure("fallback /release/ of w" + i + " answered " + response);
      }
    } catch (IOException e) {
      failure("fallback /release/ of w" + i + " failed: " + e);
    }
  }

  private Stats getLatency(int calls) throws IOException {
    long[] samples = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      RawHttpResponse response = ctl.call("/get/?pool=other&host=x");
      samples[i] = System.nanoTime() - start;
      Protocol.expect(response, "YES", "x's /get/ on pool other");
    }
    return Stats.of(samples);
  }

  private int queued() throws IOException {
    RawHttpResponse status = ctl.call("/status");
    if (status.status() != 200) {
      throw new IOException("/status answered " + status);
    }
    return queueOrder(status).size();
  }

  /** The waiters of the status document, in queue order (only pool held has any). */
  private static List<Integer> queueOrder(RawHttpResponse status) {
    List<Integer> order = new ArrayList<>();
    Matcher matcher = WAITER.matcher(status.body());
    while (matcher.find()) {
      order.add(Integer.parseInt(matcher.group(1)));
    }
    return order;
  }

  /** "free" when pool held has neither holder nor waiter any more, else what remains. */
  private static String stateAfter(RawHttpResponse status) {
    String text = status.body();
    int at = text.indexOf("\"name\":\"held\"");
    int end = text.indexOf("\"name\":\"other\"");
    String held = at < 0 ? text : text.substring(at, end > at ? end : text.length());
    if (held.contains("\"holders\":[]") && held.contains("\"waiters\":[]")) {
      return "pool held free, no waiter left";
    }
    return "NOT CLEAN: " + (held.length() > 300 ? held.substring(0, 300) + "..." : held);
  }
}
