package io.distributex.bench;

import io.distributex.core.InMemoryBackend;
import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.server.DistributexServer;
import io.distributex.testing.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code idle-handoff}: the handoff after a real wait. A waiter is parked, nothing happens for a
 * while (0 s, the hot loop, then 0.2 s, 1 s and 2.5 s), so the server's threads go idle, then the
 * holder releases and the time to the waiter's grant is taken. Four sides in the same rounds,
 * parking and handing off in an order drawn anew each round: Distributex with the in-memory
 * backend (traced stage by stage, {@link StageTrace}), Distributex with the memcache backend on a
 * memcached of its own and (full run) with the etcd backend on a one-member etcd of its own, Redis
 * locked the Redisson way on a {@code redis-server} of its own ({@link RedisSide}; "not
 * available" without one), and an idle thread woken, the floor of any hop between threads. The
 * in-memory side is also compared with Redis round by round ({@link PairedDifference}), each wait
 * and all real waits together.
 */
final class IdleHandoffMeasure implements Measure {
  private static final List<Duration> FULL_WAITS =
      List.of(Duration.ZERO, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(2500));
  private static final List<Duration> QUICK_WAITS = List.of(Duration.ZERO, Duration.ofMillis(200));
  private static final int FULL_SAMPLES = 60;
  private static final int QUICK_SAMPLES = 3;
  private static final int FULL_WARMUP = 300;
  private static final int QUICK_WARMUP = 20;
  /**
   * More hot handoffs on the sides whose server runs in this JVM (in-memory and memcache), so that
   * the JIT has compiled the request path, as in a server that has been serving for a while: after
   * 300 rounds (about 1,500 requests) much of it still runs at a low compilation tier.
   */
  private static final int FULL_JIT_WARMUP = 3_000;
  /**
   * The sides park and hand off in an order drawn anew each round (from this seed, so runs
   * repeat): in a fixed order, the side parked first measured 0.19-0.22 ms slower after a wait
   * than the same server parked later (two identical in-memory servers in one run), probably
   * because its state was the coldest in the caches when its handoff came.
   */
  private static final long ORDER_SEED = 18;
  private static final String VERSUS_REDIS = "in-memory minus Redis, paired by round, median";

  @Override
  public String name() {
    return "idle-handoff";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    List<Duration> waits = quick ? QUICK_WAITS : FULL_WAITS;
    int samples = quick ? QUICK_SAMPLES : FULL_SAMPLES;
    StageTrace trace = new StageTrace();
    Random order = new Random(ORDER_SEED);
    LockBackend traced = InMemoryBackend.builder().pools(List.of(Pool.mutex("p1"))).listener(trace).build();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      opened.add(traced::close);
      DistributexServer inMemory = DistributexServer.builder().backend(traced).bind(Servers.LOOPBACK).port(0).start();
      opened.add(inMemory);
      TestBed memcached = TestBed.start("memcached", "");
      opened.add(memcached);
      List<HandoffSide> sides = new ArrayList<>();
      DistributexSide inMemorySide = DistributexSide.open("Distributex in-memory", Servers.address(inMemory));
      sides.add(inMemorySide);
      DistributexSide memcacheSide = DistributexSide.open("Distributex memcache", memcached.a());
      sides.add(memcacheSide);
      if (quick) {
        report.add(name(), "Distributex etcd", "full run only");
      } else if (EtcdCluster.installed()) {
        EtcdCluster etcd = EtcdCluster.start(1);
        opened.add(etcd);
        DistributexServer onEtcd = Servers.distributex(etcdYaml(etcd));
        opened.add(onEtcd);
        sides.add(DistributexSide.open("Distributex etcd", Servers.address(onEtcd)));
      } else {
        report.add(name(), "Distributex etcd", "not available: etcd is not installed (apt-get install -y etcd-server)");
      }
      Optional<Path> redisServer = RedisProcess.binary();
      if (redisServer.isPresent()) {
        RedisProcess redis = RedisProcess.start(redisServer.get());
        opened.add(redis);
        sides.add(RedisSide.open(redis.address()));
      } else {
        report.add(name(), "Redis", "not available: no redis-server installed (apt-get install redis-server)");
      }
      sides.add(new ThreadWakeSide());
      opened.addAll(sides);

      report.add(name(), "load average before", loadAverage());
      report.note("warm-up: " + (quick ? QUICK_WARMUP : FULL_WARMUP) + " handoffs on each side"
          + (quick ? "" : ", then " + FULL_JIT_WARMUP + " more on Distributex in-memory and memcache"));
      rounds(sides, Duration.ZERO, quick ? QUICK_WARMUP : FULL_WARMUP, inMemorySide, trace, order);
      if (!quick) {
        rounds(List.of(inMemorySide, memcacheSide), Duration.ZERO, FULL_JIT_WARMUP, inMemorySide, trace, order);
      }
      Optional<HandoffSide> redisSide = sides.stream().filter(RedisSide.class::isInstance).findFirst();
      List<long[]> ours = new ArrayList<>();
      List<long[]> redis = new ArrayList<>();
      for (Duration wait : waits) {
        report.note("parked " + seconds(wait) + ": " + samples + " rounds");
        Samples taken = rounds(sides, wait, samples, inMemorySide, trace, order);
        String at = "parked " + seconds(wait) + ", ";
        for (HandoffSide side : sides) {
          Stats stats = Stats.of(taken.of(side));
          report.add(name(), at + side.name() + " p50 / p99 / max", Stats.time(stats.p50()) + " / "
              + Stats.time(stats.p99()) + " / " + Stats.time(stats.max()) + " (" + stats.count() + ")");
        }
        if (redisSide.isPresent()) {
          report.add(name(), at + VERSUS_REDIS,
              PairedDifference.of(taken.of(inMemorySide), taken.of(redisSide.get())).toString());
          if (!wait.isZero()) {
            ours.add(taken.of(inMemorySide));
            redis.add(taken.of(redisSide.get()));
          }
        }
        report.add(name(), at + "in-memory stages, medians", "release written -> done "
            + Stats.time(Stats.of(taken.reading()).p50()) + "; done -> granted "
            + Stats.time(Stats.of(taken.backend()).p50()) + "; granted -> YES parsed "
            + Stats.time(Stats.of(taken.answering()).p50()));
      }
      if (ours.size() > 1) {
        report.add(name(), "every real wait, " + VERSUS_REDIS, PairedDifference.of(joined(ours), joined(redis)).toString());
      }
      report.add(name(), "load average after", loadAverage());
    } finally {
      for (int i = opened.size() - 1; i >= 0; i--) {
        opened.get(i).close();
      }
    }
  }

  /**
   * {@code count} rounds: every side parks its waiter, {@code wait} passes, every side hands off;
   * both in an order drawn from {@code order} each round.
   */
  private static Samples rounds(List<HandoffSide> sides, Duration wait, int count, HandoffSide traced,
      StageTrace trace, Random order) throws IOException {
    Samples samples = new Samples(sides, count);
    for (int round = 0; round < count; round++) {
      for (HandoffSide side : shuffled(sides, order)) {
        side.park();
      }
      if (!wait.isZero()) {
        LockSupport.parkNanos(wait.toNanos());
      }
      for (HandoffSide side : shuffled(sides, order)) {
        long start = System.nanoTime();
        long took = side.handOff();
        samples.of(side)[round] = took;
        if (side == traced) {
          samples.reading()[round] = trace.released() - start;
          samples.backend()[round] = trace.granted() - trace.released();
          samples.answering()[round] = start + took - trace.granted();
        }
      }
      for (HandoffSide side : sides) {
        side.reset();
      }
    }
    return samples;
  }

  private static List<HandoffSide> shuffled(List<HandoffSide> sides, Random order) {
    List<HandoffSide> shuffled = new ArrayList<>(sides);
    Collections.shuffle(shuffled, order);
    return shuffled;
  }

  /** The handoffs of one wait, per side, and the stages of the traced side's. */
  private record Samples(Map<HandoffSide, long[]> bySide, long[] reading, long[] backend, long[] answering) {
    Samples(List<HandoffSide> sides, int count) {
      this(new LinkedHashMap<>(), new long[count], new long[count], new long[count]);
      sides.forEach(side -> bySide.put(side, new long[count]));
    }

    long[] of(HandoffSide side) {
      return bySide.get(side);
    }
  }

  private static long[] joined(List<long[]> parts) {
    return parts.stream().flatMapToLong(Arrays::stream).toArray();
  }

  /** A server on a one-member etcd (a cluster's heartbeats would keep the machine from idling). */
  private static String etcdYaml(EtcdCluster etcd) {
    return "backend: etcd\netcd:\n  endpoints: [\"" + etcd.endpoints().get(0) + "\"]\n  prefix: /idle/\n"
        + "pools:\n  - name: p1\n    maxlocks: 1\n    expire: 60\n";
  }

  private static String seconds(Duration wait) {
    return String.format(Locale.ROOT, "%.1f s", wait.toMillis() / 1000.0);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (IOException | RuntimeException unreadable) {
      return "unknown (" + unreadable + ")";
    }
  }
}
