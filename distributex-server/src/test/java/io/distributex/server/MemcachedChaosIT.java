package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.testing.MemcachedProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three servers (the real launcher) on one memcached; 24 clients take and release a mutex and a
 * 2-slot semaphore through random servers with 2 s leases, renewing every third of it, while a
 * driver SIGKILLs and restarts servers and restarts memcached (SIGKILL, then empty on the same
 * port). Every hold is recorded from the YES that granted it to the moment its client stopped
 * counting on it (its release sent, or its lease run out since the last renewal that succeeded),
 * and the checks are: never more overlapping holds than slots, tokens increasing from one hold
 * to any that began after it ended, and grants in both pools after every fault.
 *
 * <p>The fault schedule comes from a seed, printed first; {@code -Ddistributex.chaos.seed=N}
 * replays it. Each server's log and, on a failure, every call made in the failing pool with its
 * answer and times are printed too. Before the restore of issue "memcached restart" every
 * memcached restart granted a held slot to a second client at once; before the newest memory won
 * the restore, a hold released just before a restart came back from a server that had not seen
 * the release, and its host was answered yes with it while the next holder still held (seeds
 * 19956296746248 and 22993476725188, on JDK 25).
 */
@Timeout(300)
class MemcachedChaosIT {
  private static final int SERVERS = 3;
  private static final int CLIENTS = 24;
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration CHAOS = Duration.ofSeconds(40);
  private static final Duration PROGRESS_WITHIN = Duration.ofSeconds(30);
  private static final Duration RESTORED_WITHIN = Duration.ofSeconds(3);
  /** Tokens minted in one millisecond may run ahead of the clock by one each. */
  private static final long MINT_MARGIN_MS = 5;
  private static final Map<String, Integer> SLOTS = Map.of("mutex", 1, "sem", 2);

  @RegisterExtension final Launcher launcher = new Launcher();
  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final List<Hold> holds = Collections.synchronizedList(new ArrayList<>());
  /** Every call and its answer, in the order they ended, for the report of a failure. */
  private final List<String> trail = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean stopping = new AtomicBoolean();
  private int[] ports;
  private Process[] servers;

  /**
   * One hold as its client saw it, in wall-clock ms (the servers' clock too): from the YES to its
   * release or its deadline, whichever came first; {@code asked}: when the wait that was granted
   * was sent, before which it cannot have been granted. {@code late}: an earlier wait of the client
   * went unanswered, so the YES may tell of a grant made long before it arrived (the server holds
   * one grant per host and answers it again).
   */
  private record Hold(
      String pool, String host, long token, long asked, long began, long ended, boolean late) {}

  /** One fault of the schedule, and when it was done. */
  private record Fault(String what, long at) {}

  @Test
  void noTwoHoldersAndIncreasingTokensWhileServersAndMemcachedCrash() throws Exception {
    long seed = Long.getLong("distributex.chaos.seed", System.nanoTime());
    System.out.println("MemcachedChaosIT seed " + seed + " (-Ddistributex.chaos.seed=" + seed + " replays it)");
    Random schedule = new Random(seed);
    try (MemcachedProcess memcached = MemcachedProcess.start()) {
      Path config =
          Files.writeString(
              dir.resolve("chaos.yaml"),
              ServerTestSupport.onMemcached(memcached, "  - name: mutex\n    expire: 60\n  - name: sem\n    maxlocks: 2\n    expire: 60\n")
                  .replace("memcache:\n", "memcache:\n  restorewindow: 2\n"));
      ports = freePorts(SERVERS);
      servers = new Process[SERVERS];
      for (int i = 0; i < SERVERS; i++) {
        start(i, config);
      }
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        String pool = c % 2 == 0 ? "mutex" : "sem";
        String host = "client" + c;
        running.add(clients.submit(() -> client(pool, host)));
      }
      List<Fault> faults = new ArrayList<>();
      int offset = schedule.nextInt(3);
      long end = System.nanoTime() + CHAOS.toNanos();
      awaitProgress(System.currentTimeMillis());
      while (System.nanoTime() < end) {
        Thread.sleep(2_000 + schedule.nextInt(2_000));
        int kind = (faults.size() + offset) % 3; // every kind, in turn: memcached restarts several times
        int victim = schedule.nextInt(SERVERS);
        long at = System.currentTimeMillis();
        String what;
        if (kind == 0) {
          what = "SIGKILL server " + victim + ", restart it";
          kill(victim);
          start(victim, config);
        } else if (kind == 1) {
          what = "restart memcached";
          memcached.restart();
        } else {
          what = "SIGKILL server " + victim + " and restart memcached, then restart the server";
          kill(victim);
          memcached.restart();
          // A server that starts knowing nothing takes a value missing before any running server
          // put it back for a new pool (a limit operations.md states): it comes back once the
          // others have had their reread (1 s) and their reconnect (1 s) to restore.
          Thread.sleep(RESTORED_WITHIN.toMillis());
          start(victim, config);
        }
        faults.add(new Fault(what, at));
        System.out.println("MemcachedChaosIT fault " + faults.size() + " at " + at + ": " + what);
        awaitProgress(at);
      }
      stopping.set(true);
      clients.shutdown();
      assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS), "clients stop within 30 s");
      for (Future<?> client : running) {
        client.get();
      }
      report(seed, faults);
      checkOverlaps();
      checkTokens();
    }
  }

  /** Takes, holds (renewing) and releases {@code pool} until the test stops. */
  private void client(String pool, String host) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean unanswered = false;
    while (!stopping.get()) {
      long asked = System.currentTimeMillis();
      Optional<Answer> granted =
          call("/wait/?pool=" + pool + "&host=" + host + "&lease=2&timeout=3", Duration.ofSeconds(6));
      if (granted.isEmpty() || !granted.get().body().equals("YES")) {
        unanswered |= granted.isEmpty() || granted.get().status() != 200;
        pause(50);
        continue;
      }
      boolean late = unanswered;
      unanswered = false;
      long began = System.currentTimeMillis();
      long token = granted.get().token();
      long validUntil = granted.get().expires(); // the server's own deadline for this hold
      long holdUntil = began + 200 + random.nextInt(2_300);
      long ended = 0;
      while (ended == 0 && System.currentTimeMillis() < holdUntil) {
        pause(LEASE.toMillis() / 3);
        Optional<Answer> renewed =
            call("/renew/?pool=" + pool + "&host=" + host + "&token=" + token + "&lease=2", Duration.ofSeconds(1));
        if (renewed.isPresent() && renewed.get().status() == 200) {
          validUntil = Math.max(validUntil, renewed.get().expires());
        } else if (renewed.isPresent() && renewed.get().status() == 409) {
          ended = Math.min(System.currentTimeMillis(), validUntil); // the slot was lost
        }
        if (System.currentTimeMillis() >= validUntil) {
          ended = validUntil; // no renewal came through in time: the hold lapsed
        }
      }
      if (ended == 0) {
        ended = Math.min(System.currentTimeMillis(), validUntil);
      }
      if (ended > began) { // a YES that came after its own deadline held nothing
        holds.add(new Hold(pool, host, token, asked, began, ended, late));
      }
      releaseSurely(pool, host, token, validUntil);
    }
  }

  /**
   * Releases through any server until one answers, or the hold has surely ended (a second past
   * its deadline), so the client's next grant is a new one.
   */
  private void releaseSurely(String pool, String host, long token, long validUntil) {
    while (System.currentTimeMillis() < validUntil + 1_000) {
      Optional<Answer> released =
          call("/release/?pool=" + pool + "&host=" + host + "&token=" + token, Duration.ofSeconds(1));
      if (released.isPresent() && (released.get().status() == 200 || released.get().status() == 409)) {
        return;
      }
      pause(50);
    }
  }

  private record Answer(int status, String body, long token, long expires) {}

  /** One call to a random server; empty when it could not be answered. */
  private Optional<Answer> call(String path, Duration timeout) {
    int server = ThreadLocalRandom.current().nextInt(SERVERS);
    long sent = System.currentTimeMillis();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[server] + path)).timeout(timeout).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      long token = response.headers().firstValue(ServerTestSupport.TOKEN).map(Long::parseLong).orElse(0L);
      long expires = response.headers().firstValue(ServerTestSupport.EXPIRES).map(Long::parseLong).orElse(0L);
      trail.add(sent + "-" + System.currentTimeMillis() + " server " + server + " " + path + " -> " + response.statusCode()
          + " " + response.body().strip() + " token " + token + " expires " + expires);
      return Optional.of(new Answer(response.statusCode(), response.body(), token, expires));
    } catch (IOException failed) {
      trail.add(sent + "-" + System.currentTimeMillis() + " server " + server + " " + path + " -> " + failed);
      return Optional.empty();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private void start(int server, Path config) throws Exception {
    servers[server] =
        launcher.launch(dir, "-c", config.toString(), "-p", Integer.toString(ports[server]), "-b", "127.0.0.1");
    Launcher.awaitListening(
        servers[server], line -> System.out.println("MemcachedChaosIT   server " + server + " at " + System.currentTimeMillis() + ": " + line));
  }

  private void kill(int server) throws InterruptedException {
    servers[server].destroyForcibly();
    assertTrue(servers[server].waitFor(10, TimeUnit.SECONDS), "server " + server + " dies");
  }

  /** Waits until both pools have granted something after {@code since}, and says how soon. */
  private void awaitProgress(long since) throws InterruptedException {
    long deadline = System.nanoTime() + PROGRESS_WITHIN.toNanos();
    for (String pool : SLOTS.keySet()) {
      while (holds.stream().noneMatch(h -> h.pool().equals(pool) && h.began() > since)) {
        assertTrue(System.nanoTime() < deadline, "no grant in " + pool + " within " + PROGRESS_WITHIN + " of the fault");
        Thread.sleep(50);
      }
      long first = holds.stream().filter(h -> h.pool().equals(pool) && h.began() > since).mapToLong(Hold::began).min().orElseThrow();
      System.out.println("MemcachedChaosIT   " + pool + ": first grant " + (first - since) + " ms after the fault");
    }
  }

  private void report(long seed, List<Fault> faults) {
    long first = holds.stream().mapToLong(Hold::began).min().orElse(0);
    long last = holds.stream().mapToLong(Hold::began).max().orElse(0);
    System.out.printf(
        "MemcachedChaosIT seed %d: %d faults, %d holds, %.1f grants/s%n",
        seed, faults.size(), holds.size(), holds.size() / Math.max(1e-3, (last - first) / 1e3));
  }

  /** At no moment more holds of a pool than it has slots. */
  private void checkOverlaps() {
    for (Map.Entry<String, Integer> pool : SLOTS.entrySet()) {
      List<long[]> events = new ArrayList<>(); // {time, +1 begin / -1 end}
      for (Hold hold : holds) {
        if (hold.pool().equals(pool.getKey())) {
          events.add(new long[] {hold.began(), 1});
          events.add(new long[] {hold.ended(), -1});
        }
      }
      // Ends before begins at the same instant: a hand-off is no overlap.
      events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
      int inside = 0;
      int most = 0;
      for (long[] event : events) {
        inside += (int) event[1];
        most = Math.max(most, inside);
      }
      if (most > pool.getValue()) {
        printTrail(pool.getKey());
      }
      assertTrue(
          most <= pool.getValue(),
          pool.getKey() + ": " + most + " holds at once, " + pool.getValue() + " slots: " + overlapping(pool.getKey()));
    }
  }

  /**
   * A grant made after another hold ended has a larger token; a token is one host's only. When a
   * grant was made the client cannot see: a YES may tell of a grant older than its request (the
   * host's earlier wait was lost, or its hold was put back after a memcached restart and is
   * answered again, re-entrant, with its token). So the order is checked where it is certain:
   * for a grant whose token was minted after its request was sent (tokens are at least the
   * granting clock in microseconds, and every server here shares the test's clock), against every
   * hold that ended before that request.
   */
  private void checkTokens() {
    for (String pool : SLOTS.keySet()) {
      List<Hold> ofPool = holds.stream().filter(h -> h.pool().equals(pool)).toList();
      Map<Long, String> owners = new ConcurrentHashMap<>();
      for (Hold hold : ofPool) {
        String owner = owners.putIfAbsent(hold.token(), hold.host());
        assertTrue(owner == null || owner.equals(hold.host()), () -> pool + ": token " + hold.token() + " granted to two hosts");
        for (Hold earlier : ofPool) {
          boolean grantedAfterAsking = hold.token() / 1000 >= hold.asked() + MINT_MARGIN_MS;
          if (!hold.late() && grantedAfterAsking && earlier.ended() < hold.asked() && earlier.token() != hold.token()) {
            if (hold.token() <= earlier.token()) {
              printTrail(pool);
            }
            assertTrue(hold.token() > earlier.token(), () -> pool + ": " + hold + " asked for after " + earlier + " ended");
          }
        }
      }
    }
  }

  /** Prints every call made for {@code pool}, for the reading of a failure beside the servers' logs. */
  private void printTrail(String pool) {
    synchronized (trail) {
      trail.stream().filter(line -> line.contains("pool=" + pool + "&")).forEach(line -> System.out.println("MemcachedChaosIT call " + line));
    }
  }

  private String overlapping(String pool) {
    List<Hold> ofPool = holds.stream().filter(h -> h.pool().equals(pool)).sorted(Comparator.comparingLong(Hold::began)).toList();
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < ofPool.size() && pairs.size() < 5; i++) {
      for (int j = i + 1; j < ofPool.size() && ofPool.get(j).began() < ofPool.get(i).ended(); j++) {
        pairs.add(ofPool.get(i) + " & " + ofPool.get(j));
      }
    }
    return pairs.toString();
  }

  private static int[] freePorts(int count) throws IOException {
    int[] ports = new int[count];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        held.add(socket);
        ports[i] = socket.getLocalPort();
      }
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
    return ports;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
