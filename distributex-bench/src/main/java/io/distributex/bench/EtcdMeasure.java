package io.distributex.bench;

import io.distributex.server.DistributexServer;
import io.distributex.testing.EtcdCluster;
import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpResponse;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code etcd}: the {@code etcd} backend on a three-member etcd cluster of the driver's own
 * ({@link EtcdCluster}, data in {@code /dev/shm}: etcd's fsync is the disk's figure, not ours, and
 * on a shared machine it swamps the rest), with two servers A and B on it, in the driver's JVM.
 *
 * <ul>
 *   <li>Throughput: {@code /get/} + {@code /release/} pairs per second through A, each of 8
 *       clients on a pool of its own, against the floor measured in the same run: pairs of etcd
 *       transactions (compare {@code mod_revision}, put: the engine's write) straight to etcd
 *       through jetcd, 8 at a time. Each after a warm-up of its own (5 s).
 *   <li>Handoff latency: from sending the holder's {@code /release/} to the waiter's {@code YES},
 *       holder and waiter on A, then holder on A and waiter on B (B learns of the grant by its
 *       watch on the pool's key).
 *   <li>Leader kill: while a client takes and releases a pool through A, the leader is killed
 *       (SIGKILL); the time from the kill to the first {@code YES} after it, three times.
 * </ul>
 */
final class EtcdMeasure implements Measure {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int CLIENTS = 8;

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    String m = name();
    if (!EtcdCluster.installed()) {
      report.unavailable(m, "etcd is not installed (apt-get install -y etcd-server)");
      return;
    }
    try (EtcdCluster etcd = EtcdCluster.start(3);
        DistributexServer a = Servers.distributex(yaml(etcd));
        DistributexServer b = Servers.distributex(yaml(etcd))) {
      report.note("etcd: 3 members at " + etcd.endpoints() + ", data in memory");
      Duration window = quick ? Duration.ofMillis(300) : Duration.ofSeconds(10);
      Duration warmUp = quick ? Duration.ofMillis(300) : Duration.ofSeconds(5);
      rawTxnPairs(etcd, warmUp);
      double raw = rawTxnPairs(etcd, window);
      pairs(a, warmUp);
      double pairs = pairs(a, window);
      report.add(m, "distributex get+release pairs/s", Stats.count(pairs) + " (" + CLIENTS + " clients, " + window.toMillis() + " ms)");
      report.add(m, "raw etcd txn pairs/s (2 txn round trips)", Stats.count(raw));
      report.add(m, "ratio distributex/raw", String.format(Locale.ROOT, "%.2f", pairs / raw));
      int rounds = quick ? 5 : 300;
      Stats same = Stats.of(handoffs(a, a, rounds));
      report.add(m, "same-server handoff p50/p99", Stats.time(same.p50()) + " / " + Stats.time(same.p99()) + " (" + rounds + ")");
      Stats cross = Stats.of(handoffs(a, b, rounds));
      report.add(m, "cross-server handoff p50/p99", Stats.time(cross.p50()) + " / " + Stats.time(cross.p99()) + " (" + rounds + ")");
      List<String> recoveries = new ArrayList<>();
      for (int i = 0; i < (quick ? 1 : 3); i++) {
        recoveries.add(Stats.time(afterLeaderKill(etcd, a)));
      }
      report.add(m, "time to serve again after a leader kill", String.join(", ", recoveries));
      try (RawHttpConnection status = RawHttpConnection.open(Servers.address(b), TIMEOUT)) {
        String text = status.call("/status").body();
        report.check(m, "pools free after (B's /status)", Protocol.allFree(text), "yes", text);
      }
    }
  }

  private static String yaml(EtcdCluster etcd) {
    StringBuilder yaml = new StringBuilder("backend: etcd\netcd:\n  endpoints: [ ");
    yaml.append(String.join(", ", etcd.endpoints().stream().map(e -> "\"" + e + "\"").toList()));
    yaml.append(" ]\n  prefix: /bench/\npools:\n  - name: hand\n    expire: 60\n  - name: kill\n    expire: 60\n");
    for (int c = 0; c < CLIENTS; c++) {
      yaml.append("  - name: t").append(c).append("\n    expire: 60\n");
    }
    return yaml.toString();
  }

  /** Pairs per second of {@code /get/} + {@code /release/}, each client on its own pool. */
  private static double pairs(DistributexServer server, Duration window) throws Exception {
    return inParallel(window, c -> {
      try (RawHttpConnection connection = RawHttpConnection.open(Servers.address(server), TIMEOUT)) {
        return () -> {
          expect(connection.call("/get/?pool=t" + c + "&host=c" + c), "YES");
          expect(connection.call("/release/?pool=t" + c + "&host=c" + c), "OK");
        };
      }
    });
  }

  /** Pairs per second of the engine's write (compare mod_revision, put), straight to etcd. */
  private static double rawTxnPairs(EtcdCluster etcd, Duration window) throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoints().toArray(java.net.URI[]::new)).build()) {
      KV kv = client.getKVClient();
      return inParallel(window, c -> {
        ByteSequence key = ByteSequence.from("/bench-raw/" + c, StandardCharsets.UTF_8);
        ByteSequence value = ByteSequence.from(new byte[64]);
        long[] revision = {kv.get(key).get(10, TimeUnit.SECONDS).getKvs().stream().mapToLong(kvs -> kvs.getModRevision()).findFirst().orElse(0)};
        return () -> {
          for (int i = 0; i < 2; i++) {
            var answer = kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revision[0])))
                .Then(Op.put(key, value, PutOption.DEFAULT))
                .commit()
                .get(10, TimeUnit.SECONDS);
            if (!answer.isSucceeded()) {
              throw new IllegalStateException("raw txn conflicted on a key of its own");
            }
            revision[0] = answer.getHeader().getRevision();
          }
        };
      });
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private interface Clients {
    Step prepare(int client) throws Exception;
  }

  /** Runs one step per client over and over for {@code window}; steps per second in all. */
  private static double inParallel(Duration window, Clients clients) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      LongAdder done = new LongAdder();
      List<Future<?>> running = new ArrayList<>();
      long end = System.nanoTime() + window.toNanos();
      long start = System.nanoTime();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        running.add(pool.submit(() -> {
          Step step = clients.prepare(client);
          while (System.nanoTime() < end) {
            step.run();
            done.increment();
          }
          return null;
        }));
      }
      for (Future<?> future : running) {
        future.get(window.toMillis() + 60_000, TimeUnit.MILLISECONDS);
      }
      return done.sum() / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Latencies from the holder's release on {@code holderOn} to the waiter's YES on {@code waiterOn}. */
  private static long[] handoffs(DistributexServer holderOn, DistributexServer waiterOn, int rounds) throws Exception {
    long[] nanos = new long[rounds];
    try (RawHttpConnection holder = RawHttpConnection.open(Servers.address(holderOn), TIMEOUT);
        RawHttpConnection waiter = RawHttpConnection.open(Servers.address(waiterOn), TIMEOUT);
        RawHttpConnection status = RawHttpConnection.open(Servers.address(holderOn), TIMEOUT)) {
      for (int i = 0; i < rounds; i++) {
        expect(holder.call("/get/?pool=hand&host=h"), "YES");
        waiter.send("/wait/?pool=hand&host=w&timeout=20");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!status.call("/status").body().contains("\"host\":\"w\"")) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the waiter never queued");
          }
          Thread.sleep(1);
        }
        long released = System.nanoTime();
        holder.send("/release/?pool=hand&host=h");
        RawHttpResponse granted = waiter.read();
        nanos[i] = System.nanoTime() - released;
        expect(granted, "YES");
        expect(holder.read(), "OK");
        expect(waiter.call("/release/?pool=hand&host=w"), "OK");
      }
    }
    return nanos;
  }

  /** From a SIGKILL of the leader, while a client takes and releases through A, to its first YES. */
  private static long afterLeaderKill(EtcdCluster etcd, DistributexServer server) throws Exception {
    EtcdCluster.Member leader = etcd.leader();
    try (RawHttpConnection client = RawHttpConnection.open(Servers.address(server), TIMEOUT)) {
      expect(client.call("/get/?pool=kill&host=k"), "YES");
      expect(client.call("/release/?pool=kill&host=k"), "OK");
      long killed = System.nanoTime();
      leader.kill();
      long deadline = killed + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        RawHttpResponse answer = client.call("/get/?pool=kill&host=k");
        if (answer.is("YES")) {
          long took = System.nanoTime() - killed;
          client.call("/release/?pool=kill&host=k");
          leader.restart();
          etcd.awaitHealthy();
          return took;
        }
        Thread.sleep(5);
      }
      throw new IllegalStateException("no YES within " + TIMEOUT + " after the leader was killed");
    }
  }

  private static void expect(RawHttpResponse response, String word) throws IOException {
    if (!response.is(word)) {
      throw new IOException("expected " + word + ", got " + response);
    }
  }
}
