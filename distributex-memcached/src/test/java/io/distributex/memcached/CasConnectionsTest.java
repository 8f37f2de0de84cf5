package io.distributex.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.testing.Concurrently;
import io.distributex.testing.MemcachedExtension;
import io.distributex.testing.MemcachedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Borrowing direct compare-and-set connections, against a real memcached. */
@Timeout(60)
class CasConnectionsTest {
  @RegisterExtension static final MemcachedExtension MEMCACHED = new MemcachedExtension();

  private final AtomicLong connections = new AtomicLong();
  private final CasConnections pool = new CasConnections(1_000, connections);
  private MemcachedClient spymemcached;
  private MemcachedProcess memcached;

  @BeforeEach
  void connect() throws IOException {
    memcached = MEMCACHED.process();
    memcached.flush();
    spymemcached = spymemcached(memcached);
  }

  @AfterEach
  void disconnect() {
    pool.close();
    spymemcached.shutdown(1, TimeUnit.SECONDS);
  }

  @Test
  void oneWriterAtATimeKeepsUsingOneConnection() throws Exception {
    long cas = added("k");
    cas = written("k", cas, 0); // opens the connection: the id read before is never sent
    long opened = connections.get();
    for (int i = 1; i <= 100; i++) {
      cas = written("k", cas, i);
    }
    assertEquals(opened, connections.get(), "a second connection was opened");
  }

  @Test
  void concurrentWritersEachGetTheirOwnAnswers() throws Exception {
    int writers = 8;
    int rounds = 200;
    Concurrently.run(writers, Duration.ofSeconds(30), index -> {
      String key = "k" + index;
      long cas = added(key);
      for (int round = 0; round < rounds; round++) {
        cas = written(key, cas, round);
      }
      assertEquals(key + ":" + (rounds - 1), text(spymemcached.get(key)));
    });
    // Each opening counts once; never more connections than writers at once.
    assertTrue(connections.get() <= writers, "opened " + connections.get());
  }

  @Test
  void aFailedWriteClosesTheOtherIdleConnectionsToItsServer() throws Exception {
    // Two writes held up at once by a paused memcached leave two idle connections behind.
    try (CasConnections two = new CasConnections(10_000, connections)) {
      long a = added("a");
      long b = added("b");
      long before = connections.get();
      memcached.pause();
      Thread first = new Thread(() -> storeQuietly(two, "a", a));
      Thread second = new Thread(() -> storeQuietly(two, "b", b));
      try {
        first.start();
        second.start();
        for (int i = 0; i < 1_000 && connections.get() < before + 2; i++) {
          Thread.sleep(5);
        }
        assertEquals(before + 2, connections.get(), "two connections opened");
      } finally {
        memcached.resume();
      }
      first.join(10_000);
      second.join(10_000);
      assertEquals(2, two.openIdle(memcached.address()));

      memcached.restart();
      long fresh = connections.get();
      assertThrows(IOException.class, () -> two.compareAndSet(memcached.address(), "a", a, bytes("x"), fresh));
      assertEquals(0, two.openIdle(memcached.address()), "a dead connection was kept");
      // The other idle connection was closed with the failed one: the next write opens a new
      // connection (answering a conflict for the id read before it), then goes through.
      spymemcached.shutdown(1, TimeUnit.SECONDS);
      spymemcached = spymemcached(memcached);
      long readAgain = added("a");
      CasConnection.Result opened = two.compareAndSet(memcached.address(), "a", readAgain, bytes("y"), connections.get());
      assertEquals(CasConnection.Outcome.CONFLICT, opened.outcome());
      assertEquals(
          CasConnection.Outcome.STORED,
          two.compareAndSet(memcached.address(), "a", readAgain, bytes("y"), connections.get()).outcome());
    }
  }

  /**
   * Writes through {@code pool} until the write is sent: a connection opened meanwhile (this
   * thread's or the other's) answers a conflict first. Failures are ignored: the test looks at
   * the connections, not at this write.
   */
  private void storeQuietly(CasConnections pool, String key, long cas) {
    try {
      CasConnection.Result result;
      int attempts = 0;
      do {
        result = pool.compareAndSet(memcached.address(), key, cas, bytes("held"), connections.get());
      } while (result.outcome() == CasConnection.Outcome.CONFLICT && ++attempts < 20);
    } catch (IOException ignored) {
      // See above.
    }
  }

  /**
   * Writes {@code key:round} with the id last read, through the pool, and returns the new id.
   * Nobody else writes the key: a conflict only means a connection opened since the count was
   * taken (by this writer or another), and the id is then sent again, a few times at most.
   */
  private long written(String key, long cas, int round) throws Exception {
    byte[] value = (key + ":" + round).getBytes(StandardCharsets.UTF_8);
    CasConnection.Result result =
        pool.compareAndSet(memcached.address(), key, cas, value, connections.get());
    for (int again = 0; again < 10 && result.outcome() == CasConnection.Outcome.CONFLICT; again++) {
      result = pool.compareAndSet(memcached.address(), key, cas, value, connections.get());
    }
    assertEquals(CasConnection.Outcome.STORED, result.outcome(), key + " round " + round);
    return result.cas();
  }

  private long added(String key) throws Exception {
    assertTrue(spymemcached.add(key, 0, bytes("new")).get(5, TimeUnit.SECONDS));
    return spymemcached.gets(key).getCas();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static MemcachedClient spymemcached(MemcachedProcess memcached) throws IOException {
    return new MemcachedClient(
        new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).build(),
        List.of(memcached.address()));
  }

  private static String text(Object bytes) {
    return new String((byte[]) bytes, StandardCharsets.UTF_8);
  }
}
