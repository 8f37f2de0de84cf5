package io.distributex.bench;

import io.distributex.server.DistributexServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * {@code handoff}: how long a waiter takes to learn that the lock passed to it. Host A holds
 * pool {@code p1}; host B's {@code /wait/} is parked on its own keep-alive connection (confirmed
 * through {@code /status} on a third connection); the clock runs from just before A's {@code
 * /release/} is written until B's {@code YES} is parsed. Then the roles swap. An in-process
 * server with the in-memory backend; raw blocking sockets, so the figure is the server's.
 */
final class HandoffBench implements Measure {
  private static final String YAML = "pools:\n  - name: p1\n    maxlocks: 1\n    expire: 0\n";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Override
  public String name() {
    return "handoff";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    int warmup = quick ? 100 : 1_500; // on 2 cores the JIT needs a while
    int measured = quick ? 300 : 2_000;
    long[] samples = new long[measured];
    int chunked = 0;
    try (DistributexServer server = Servers.distributex(YAML)) {
      InetSocketAddress address = Servers.address(server);
      try (HttpConn a = HttpConn.open(address, TIMEOUT);
          HttpConn b = HttpConn.open(address, TIMEOUT);
          HttpConn status = HttpConn.open(address, TIMEOUT)) {
        expect(a.call("/get/?pool=p1&host=A"), "YES", "A's first /get/");
        HttpConn holder = a;
        HttpConn waiter = b;
        String holderName = "A";
        String waiterName = "B";
        long lastToken = 0;
        for (int i = 0; i < warmup + measured; i++) {
          waiter.send("/wait/?pool=p1&host=" + waiterName);
          awaitQueued(status, waiterName);
          long start = System.nanoTime();
          holder.send("/release/?pool=p1&host=" + holderName);
          HttpResponse granted = waiter.read();
          long end = System.nanoTime();
          expect(granted, "YES", waiterName + "'s /wait/ (handoff " + i + ")");
          long token = Long.parseLong(granted.header("X-Distributex-Token"));
          if (token <= lastToken) {
            throw new IllegalStateException("token " + token + " not above the previous " + lastToken);
          }
          lastToken = token;
          expect(holder.read(), "OK", holderName + "'s /release/");
          if (i >= warmup) {
            samples[i - warmup] = end - start;
            chunked += granted.chunked() ? 1 : 0;
          }
          HttpConn conn = holder;
          holder = waiter;
          waiter = conn;
          String name = holderName;
          holderName = waiterName;
          waiterName = name;
        }
        expect(holder.call("/release/?pool=p1&host=" + holderName), "OK", "the last release");
      }
    }
    Stats stats = Stats.of(samples);
    report.add(name(), "handoffs measured", measured + " (after " + warmup + " warm-up)");
    report.add(name(), "p50", Stats.time(stats.p50()));
    report.add(name(), "p90", Stats.time(stats.p90()));
    report.add(name(), "p99", Stats.time(stats.p99()));
    report.add(name(), "max", Stats.time(stats.max()));
    report.add(name(), "parked answers sent chunked", chunked + "/" + measured);
  }

  /** Polls {@code /status} until {@code host} is the first waiter of p1; at most 5 s. */
  private static void awaitQueued(HttpConn status, String host) throws IOException {
    String queued = "\"waiters\":[{\"host\":\"" + host + "\"";
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      HttpResponse response = status.call("/status");
      if (response.status() == 200 && response.text().contains(queued)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(host + " not queued after " + TIMEOUT.toSeconds() + " s: " + response.summary());
      }
      Thread.onSpinWait();
    }
  }

  static void expect(HttpResponse response, String word, String what) {
    if (!response.is(word)) {
      throw new IllegalStateException(what + ": expected 200 " + word + ", got " + response.summary());
    }
  }
}
