package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.Concurrently;
import io.distributex.testing.EtcdCluster;
import io.distributex.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three Distributex servers in one JVM on a real three-member etcd cluster, through faults of etcd. */
@Timeout(180)
class EtcdClusterTest {
  private static final Duration PROGRESS = Duration.ofSeconds(40);
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension(3);
  private final EtcdCluster etcd = ETCD.cluster();
  private final List<DistributexServer> servers = new ArrayList<>();

  /** Fresh servers, with pools of their own (a prefix per test). */
  @BeforeEach
  void startServers() {
    String yaml =
        ServerTestSupport.onEtcd(
            etcd,
            "/test-" + System.nanoTime() + "/",
            "  - name: mutex\n    expire: 60\n  - name: sem\n    maxlocks: 3\n    expire: 60\n");
    for (int i = 0; i < 3; i++) {
      servers.add(ServerTestSupport.start(yaml));
    }
  }

  @AfterEach
  void stopServers() {
    servers.forEach(DistributexServer::close);
  }

  /**
   * Faults injected: SIGKILL of the etcd leader, its restart, then SIGKILL of all three members
   * and their restart, while 24 clients (12 on a mutex, 12 on a semaphore of 3) spread over the
   * three servers take and release. Never two holders of the mutex nor four of the semaphore,
   * tokens only grow, and grants resume after each fault; calls in between may fail with 503.
   */
  @Test
  void twentyFourClientsNeverOverlapWhileEtcdLosesItsLeaderAndRestarts() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong grants = new AtomicLong();
    AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger()};
    AtomicInteger[] most = {new AtomicInteger(), new AtomicInteger()};
    List<String> mutexGrants = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    // A thread of its own, never the common pool: it blocks (see docs/testing.md).
    ExecutorService driver = Executors.newSingleThreadExecutor();
    Future<?> clients =
        driver.submit(
            () -> {
              try {
                Concurrently.run(
                    24,
                    Duration.ofSeconds(170),
                    c -> {
                      int p = c % 2;
                      String pool = p == 0 ? "mutex" : "sem";
                      DistributexServer server = servers.get(c % servers.size());
                      String host = "client" + c;
                      long lastToken = 0;
                      while (!stop.get()) {
                        Reply reply =
                            ServerTestSupport.await(
                                ServerTestSupport.async(server, "/wait/?pool=" + pool + "&host=" + host + "&lease=10&timeout=3"),
                                Duration.ofSeconds(40));
                        if (reply.status() != 200 || !reply.body().equals("YES")) {
                          if (reply.status() != 503 && !(reply.status() == 200 && reply.body().equals("NO"))) {
                            synchronized (problems) {
                              problems.add(host + ": " + reply);
                            }
                          }
                          Thread.sleep(20);
                          continue;
                        }
                        long token = reply.token();
                        most[p].accumulateAndGet(inside[p].incrementAndGet(), Math::max);
                        if (p == 0) {
                          synchronized (mutexGrants) {
                            mutexGrants.add(host + " " + token);
                          }
                        }
                        if (token < lastToken) {
                          synchronized (problems) {
                            problems.add(host + ": token " + token + " after " + lastToken);
                          }
                        }
                        lastToken = token;
                        Thread.sleep(2);
                        inside[p].decrementAndGet();
                        grants.incrementAndGet();
                        release(server, pool, host, token, stop);
                      }
                    });
              } catch (Exception failed) {
                throw new IllegalStateException(failed);
              }
            });

    awaitProgress(grants, "at the start");
    EtcdCluster.Member leader = etcd.leader();
    leader.kill();
    awaitProgress(grants, "after the leader " + leader.name() + " was killed");
    leader.restart();
    etcd.awaitHealthy();
    awaitProgress(grants, "after the old leader came back");
    etcd.killAll();
    Thread.sleep(500);
    etcd.restartStopped();
    awaitProgress(grants, "after every member was killed and restarted");
    stop.set(true);
    try {
      clients.get(60, TimeUnit.SECONDS);
    } finally {
      driver.shutdownNow();
    }

    assertEquals(List.of(), problems);
    assertEquals(1, most[0].get(), "never more than one holder of the mutex inside");
    assertTrue(most[1].get() <= 3, "holders of the semaphore reached " + most[1].get());
    for (int i = 1; i < mutexGrants.size(); i++) {
      String[] before = mutexGrants.get(i - 1).split(" ");
      String[] after = mutexGrants.get(i).split(" ");
      // The same host answered YES again (its lost answer's grant, re-entrant) keeps its token.
      assertTrue(
          Long.parseLong(after[1]) > Long.parseLong(before[1])
              || (after[1].equals(before[1]) && after[0].equals(before[0])),
          "mutex tokens must grow: " + mutexGrants.get(i - 1) + " then " + mutexGrants.get(i));
    }
  }

  /**
   * Fault injected: SIGKILL of two of the three members (no quorum). Every call answers 503, never
   * YES, and the servers serve again by themselves once the members are back; the hold taken
   * before the outage is still there.
   */
  @Test
  void withoutAQuorumEveryCallIsAnErrorAndTheServersRecover() throws Exception {
    DistributexServer server = servers.get(0);
    long token = assertYes(get(server, "/get/?pool=mutex&host=a"));
    List<EtcdCluster.Member> members = etcd.members();
    members.get(0).kill();
    members.get(1).kill();
    for (String call : List.of("/get/?pool=sem&host=b", "/wait/?pool=mutex&host=b&timeout=1", "/health")) {
      Reply refused = ServerTestSupport.await(ServerTestSupport.async(server, call), Duration.ofSeconds(30));
      assertEquals(503, refused.status(), call + ": " + refused);
      assertTrue(refused.body().startsWith("ERROR: backend unavailable: "), refused::toString);
    }
    etcd.restartStopped();
    ServerTestSupport.awaitValue("health after etcd returns", () -> get(servers.get(1), "/health").status(), 200);
    assertText(get(servers.get(1), "/get/?pool=mutex&host=b"), 200, "NO");
    assertText(get(servers.get(2), "/release/?pool=mutex&host=a&token=" + token), 200, "OK");
    assertTrue(assertYes(get(servers.get(1), "/get/?pool=mutex&host=b")) > token);
  }

  private static void release(DistributexServer server, String pool, String host, long token, AtomicBoolean stop)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      Reply reply =
          ServerTestSupport.await(
              ServerTestSupport.async(server, "/release/?pool=" + pool + "&host=" + host + "&token=" + token),
              Duration.ofSeconds(40));
      if (reply.status() == 200 || reply.status() == 409) {
        return; // released, or its lease ended meanwhile
      }
      Thread.sleep(50);
    }
  }

  /** Waits (bounded) until 20 more grants were made. */
  private static void awaitProgress(AtomicLong grants, String when) throws InterruptedException {
    long from = grants.get();
    long deadline = System.nanoTime() + PROGRESS.toNanos();
    while (grants.get() < from + 20) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no progress " + when + ": " + (grants.get() - from) + " grants in " + PROGRESS);
      }
      Thread.sleep(20);
    }
  }
}
