package io.distributex.server;

import io.distributex.core.Grant;
import io.distributex.core.LockListener;
import io.distributex.core.Mode;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Waiter;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * What {@code /metrics} shows (docs/protocol.md): per pool, what this server's backend did (told
 * as a {@link LockListener}) and answered; per call and status, the requests answered; and, read
 * at each scrape, the holders and waiters of every pool and the JVM's and process's figures
 * ({@link JvmProcessMetrics}).
 *
 * <p>Every series counts both modes together; the {@code distributex_mode_*} series split grants,
 * holders and waiters by mode.
 *
 * <p>Memory stays bounded whatever clients send: pools are the configured ones, a refusal that
 * names no configured pool is counted without a pool label, calls are a fixed set, and statuses
 * are the few the server answers with.
 */
final class Metrics implements LockListener {
  private static final List<Counter> COUNTERS =
      List.of(
          new Counter("grants", "Slots granted, at once or to a waiter.", c -> c.grants),
          new Counter("releases", "Holds given back with /release/.", c -> c.releases),
          new Counter("expiries", "Holds ended by their deadline.", c -> c.expiries),
          new Counter("wait_timeouts", "Waits whose timeout ran out.", c -> c.timeouts),
          new Counter("busy", "Tries (/get/, /wait/ with timeout=0) answered NO.", c -> c.busy),
          new Counter(
              "refusals",
              "Answers with a 4xx status; without a pool label when no configured pool was named.",
              c -> c.refusals));

  private final Map<String, PoolCounters> pools = new LinkedHashMap<>();
  private final LongAdder refusalsWithoutPool = new LongAdder();
  private final Map<Call, Map<Integer, LongAdder>> requests = new EnumMap<>(Call.class);

  Metrics(Collection<String> poolNames) {
    poolNames.forEach(name -> pools.put(name, new PoolCounters()));
    for (Call call : Call.values()) {
      requests.put(call, new ConcurrentHashMap<>());
    }
  }

  @Override
  public void granted(Grant grant, Optional<Duration> waited) {
    counters(grant.pool())
        .ifPresent(
            counters -> {
              counters.grants.increment();
              counters.grantsByMode.get(grant.mode()).increment();
              waited.ifPresent(time -> counters.waits.observe(Math.max(0, time.toMillis())));
            });
  }

  @Override
  public void released(Grant grant) {
    counters(grant.pool()).ifPresent(counters -> counters.releases.increment());
  }

  @Override
  public void expired(Grant grant) {
    counters(grant.pool()).ifPresent(counters -> counters.expiries.increment());
  }

  @Override
  public void waitTimedOut(String pool, String host) {
    counters(pool).ifPresent(counters -> counters.timeouts.increment());
  }

  /** A {@code /get/} (or a {@code /wait/} with {@code timeout=0}) answered NO. */
  void busy(String pool) {
    counters(pool).ifPresent(counters -> counters.busy.increment());
  }

  /** An answer sent; {@code pool} is the request's {@code pool} parameter, if it had one. */
  void answered(Call call, int status, Optional<String> pool) {
    requests.get(call).computeIfAbsent(status, code -> new LongAdder()).increment();
    if (status >= 400 && status < 500) {
      pool.flatMap(this::counters)
          .ifPresentOrElse(
              counters -> counters.refusals.increment(), refusalsWithoutPool::increment);
    }
  }

  /**
   * The exposition text; {@code snapshot} empty when the backend could not be read, and then
   * the holder and waiter gauges are left out and {@code distributex_backend_up} is 0.
   */
  byte[] render(Optional<List<PoolSnapshot>> snapshot) {
    PrometheusText out = new PrometheusText();
    for (Counter counter : COUNTERS) {
      String name = counter.name();
      out.family(name, "counter", counter.help());
      pools.forEach((pool, counters) -> out.sample(name, counter.of(counters), "pool", pool));
    }
    out.sample("distributex_refusals_total", refusalsWithoutPool.sum());

    String byMode = "distributex_mode_grants_total";
    out.family(byMode, "counter", "Slots granted, by mode (shared or exclusive).");
    pools.forEach(
        (pool, counters) ->
            counters.grantsByMode.forEach(
                (mode, count) -> out.sample(byMode, count.sum(), "pool", pool, "mode", mode.label())));

    String waits = "distributex_wait_seconds";
    out.family(waits, "histogram", "Time from joining the queue to the grant, for waiters.");
    pools.forEach((pool, counters) -> counters.waits.write(out, waits, "pool", pool));

    String requested = "distributex_requests_total";
    out.family(requested, "counter", "HTTP requests answered, by call and status.");
    requests.forEach(
        (call, byStatus) ->
            new TreeMap<>(byStatus)
                .forEach(
                    (status, count) ->
                        out.sample(
                            requested,
                            count.sum(),
                            "call",
                            call.label(),
                            "status",
                            status.toString())));

    out.family("distributex_backend_up", "gauge", "1 when the lock store could be read, else 0.");
    out.sample("distributex_backend_up", snapshot.isPresent() ? 1 : 0);
    snapshot.ifPresent(
        read -> {
          out.family("distributex_holders", "gauge", "Slots held now.");
          read.forEach(p -> out.sample("distributex_holders", p.holders().size(), "pool", name(p)));
          out.family("distributex_waiters", "gauge", "Hosts queued now, of every server.");
          read.forEach(p -> out.sample("distributex_waiters", p.waiters().size(), "pool", name(p)));
          out.family("distributex_mode_holders", "gauge", "Hosts holding now, by mode.");
          read.forEach(p -> byMode(out, "distributex_mode_holders", p, p.holders(), Grant::mode));
          out.family("distributex_mode_waiters", "gauge", "Hosts queued now, by the mode they wait for.");
          read.forEach(p -> byMode(out, "distributex_mode_waiters", p, p.waiters(), Waiter::mode));
        });
    JvmProcessMetrics.write(out);
    return out.bytes();
  }

  /** One sample per mode: how many of {@code entries} are in it. */
  private static <T> void byMode(
      PrometheusText out, String family, PoolSnapshot pool, List<T> entries, Function<T, Mode> modeOf) {
    for (Mode mode : Mode.values()) {
      long count = entries.stream().filter(entry -> modeOf.apply(entry) == mode).count();
      out.sample(family, count, "pool", name(pool), "mode", mode.label());
    }
  }

  private static String name(PoolSnapshot snapshot) {
    return snapshot.pool().name();
  }

  private Optional<PoolCounters> counters(String pool) {
    return Optional.ofNullable(pools.get(pool));
  }

  /** A per-pool counter family, {@code distributex_WHAT_total}. */
  private record Counter(String what, String help, Function<PoolCounters, LongAdder> adder) {
    String name() {
      return "distributex_" + what + "_total";
    }

    long of(PoolCounters counters) {
      return adder.apply(counters).sum();
    }
  }

  /** The counters of one configured pool. */
  private static final class PoolCounters {
    final LongAdder grants = new LongAdder();
    final Map<Mode, LongAdder> grantsByMode = new EnumMap<>(Map.of(
        Mode.EXCLUSIVE, new LongAdder(), Mode.SHARED, new LongAdder()));
    final LongAdder releases = new LongAdder();
    final LongAdder expiries = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder busy = new LongAdder();
    final LongAdder refusals = new LongAdder();
    final Histogram waits = new Histogram();
  }
}
