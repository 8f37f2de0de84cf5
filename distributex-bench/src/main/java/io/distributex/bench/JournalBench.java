package io.distributex.bench;

import io.distributex.core.InMemoryBackend;
import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.server.DistributexServer;
import io.distributex.testing.RawHttpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the in-memory backend's journal costs, on this machine's disk: get+release pairs per
 * second over 16 keep-alive connections with and without a journal (alternating rounds, same
 * run), fsyncs per grant under that load, the start-up time of a server whose journal holds
 * 100,000 holds, and the journal's size after 1,000,000 grants. Prints one line per figure.
 *
 * <pre>java -cp distributex-bench/target/distributex-bench.jar io.distributex.bench.JournalBench [DIR]</pre>
 *
 * DIR (default: a new directory under the system's temporary directory) holds the journals.
 */
public final class JournalBench {
  private static final int CONNECTIONS = 16;
  private static final Duration ROUND = Duration.ofSeconds(4);
  private static final int ROUNDS = 3;

  private JournalBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("distributex-journal-bench");
    Files.createDirectories(dir);
    System.out.println("journals in " + dir.toAbsolutePath() + " (" + Files.getFileStore(dir) + ")");
    throughput(dir);
    restart(dir.resolve("restart.journal"));
    size(dir.resolve("size.journal"));
  }

  private static void throughput(Path dir) throws Exception {
    long[] plain = new long[ROUNDS];
    long[] journaled = new long[ROUNDS];
    long grants = 0;
    long syncs = 0;
    warmUp(dir);
    for (int round = 0; round < ROUNDS; round++) {
      plain[round] = pairsPerSecond(null, null);
      Path journal = dir.resolve("throughput-" + round + ".journal");
      InMemoryBackend backend =
          InMemoryBackend.builder().pools(List.of(pool(CONNECTIONS))).journal(journal).build();
      AtomicLong pairs = new AtomicLong();
      journaled[round] = pairsPerSecond(backend, pairs);
      grants += pairs.get();
      syncs += backend.journalSyncs().orElseThrow();
      backend.close();
    }
    long without = median(plain);
    long with = median(journaled);
    System.out.printf(
        "get+release pairs/s, %d connections: without journal %d, with journal %d (median of %d rounds of %d s); ratio %.2f%n",
        CONNECTIONS, without, with, ROUNDS, ROUND.toSeconds(), (double) with / without);
    System.out.printf(
        "fsyncs per grant with journal: %.3f (%d fsyncs for %d grants and as many releases)%n",
        (double) syncs / grants, syncs, grants);
  }

  private static void warmUp(Path dir) throws Exception {
    pairsPerSecond(null, null);
    InMemoryBackend backend =
        InMemoryBackend.builder().pools(List.of(pool(CONNECTIONS))).journal(dir.resolve("warm.journal")).build();
    pairsPerSecond(backend, new AtomicLong());
    backend.close();
  }

  /** Pairs per second through a server on {@code backend} (null: a journal-less one of its own). */
  private static long pairsPerSecond(LockBackend backend, AtomicLong pairsOut) throws Exception {
    LockBackend served =
        backend != null ? backend : InMemoryBackend.builder().pools(List.of(pool(CONNECTIONS))).build();
    try (DistributexServer server =
        DistributexServer.builder().backend(served).bind("127.0.0.1").port(0).start()) {
      InetSocketAddress address = Servers.address(server);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong pairs = new AtomicLong();
      CountDownLatch done = new CountDownLatch(CONNECTIONS);
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        String host = "h" + c;
        Thread thread =
            new Thread(
                () -> {
                  try (RawHttpConnection conn = RawHttpConnection.open(address, Duration.ofSeconds(10))) {
                    while (!stop.get()) {
                      conn.call("/get/?pool=p&host=" + host);
                      conn.call("/release/?pool=p&host=" + host);
                      pairs.incrementAndGet();
                    }
                  } catch (IOException failed) {
                    throw new IllegalStateException(failed);
                  } finally {
                    done.countDown();
                  }
                });
        thread.start();
        threads.add(thread);
      }
      long started = System.nanoTime();
      Thread.sleep(ROUND.toMillis());
      stop.set(true);
      done.await();
      long elapsed = System.nanoTime() - started;
      if (pairsOut != null) {
        pairsOut.set(pairs.get());
      }
      return pairs.get() * 1_000_000_000L / elapsed;
    } finally {
      if (backend == null) {
        served.close();
      }
    }
  }

  private static void restart(Path journal) {
    int holds = 100_000;
    try (InMemoryBackend backend = InMemoryBackend.builder().pools(List.of(pool(holds))).journal(journal).build()) {
      for (int i = 0; i < holds; i++) {
        backend.tryAcquire("p", "host-" + i, Optional.empty()).orElseThrow();
      }
    }
    long started = System.nanoTime();
    try (InMemoryBackend backend = InMemoryBackend.builder().pools(List.of(pool(holds))).journal(journal).build()) {
      long millis = (System.nanoTime() - started) / 1_000_000;
      int restored = backend.snapshot().get(0).holders().size();
      System.out.printf(
          "restart with %d holds in the journal (%d bytes): %d ms to open and restore, %d holds back%n",
          holds, sizeOf(journal), millis, restored);
    }
  }

  /** 1,000,000 grants and releases by 64 hosts at once, so that they share their fsyncs. */
  private static void size(Path journal) throws InterruptedException {
    int grants = 1_000_000;
    int hosts = 64;
    long started = System.nanoTime();
    try (InMemoryBackend backend = InMemoryBackend.builder().pools(List.of(pool(hosts))).journal(journal).build()) {
      List<Thread> threads = new ArrayList<>();
      for (int h = 0; h < hosts; h++) {
        String host = "host-" + h;
        Thread thread =
            new Thread(
                () -> {
                  for (int i = 0; i < grants / hosts; i++) {
                    backend.tryAcquire("p", host, Optional.empty()).orElseThrow();
                    backend.release("p", host, OptionalLong.empty());
                  }
                });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
      System.out.printf(
          "journal size after %d grants and releases of %d hosts: %d bytes (%.1f s, %d fsyncs)%n",
          grants / hosts * hosts, hosts, sizeOf(journal), (System.nanoTime() - started) / 1e9,
          backend.journalSyncs().orElseThrow());
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static Pool pool(int maxlocks) {
    return new Pool("p", Duration.ofSeconds(300), maxlocks, Set.of(), false);
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
