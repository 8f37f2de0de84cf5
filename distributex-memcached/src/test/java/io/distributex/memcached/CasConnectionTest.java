package io.distributex.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.testing.MemcachedExtension;
import io.distributex.testing.MemcachedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The direct compare-and-set against a real memcached, checked through Spymemcached, the client
 * that reads what it writes.
 */
@Timeout(60)
class CasConnectionTest {
  private static final String KEY = "distributex:test:cas";
  @RegisterExtension static final MemcachedExtension MEMCACHED = new MemcachedExtension();

  private MemcachedClient spymemcached;
  private final AtomicLong connections = new AtomicLong();
  private CasConnection connection;

  @BeforeEach
  void connect() throws IOException {
    MemcachedProcess memcached = MEMCACHED.process();
    memcached.flush();
    spymemcached = spymemcached(memcached);
    connection = new CasConnection(memcached.address(), 1_000, connections);
    open();
  }

  /** Opens the connection: the first call opens it and sends nothing (see the test below). */
  private void open() throws IOException {
    assertEquals(
        CasConnection.Outcome.CONFLICT,
        connection.compareAndSet(KEY, 1, bytes("never sent"), connections.get()).outcome());
  }

  @AfterEach
  void disconnect() {
    connection.close();
    spymemcached.shutdown(1, TimeUnit.SECONDS);
  }

  @Test
  void storesWhenTheCasIdIsCurrentAndSpymemcachedReadsTheBytesBack() throws Exception {
    long before = added(bytes("first"));
    CasConnection.Result result = cas(before, bytes("second"));
    assertEquals(CasConnection.Outcome.STORED, result.outcome());
    assertNotEquals(before, result.cas());
    CASValue<Object> stored = spymemcached.gets(KEY);
    assertArrayEquals(bytes("second"), (byte[]) stored.getValue());
    assertEquals(result.cas(), stored.getCas(), "the cas id returned is the one memcached keeps");
    // And the id it returned is good for the next write, on the same connection.
    assertEquals(
        CasConnection.Outcome.STORED, cas(result.cas(), bytes("third")).outcome());
  }

  @Test
  void aStaleCasIdConflictsAndChangesNothing() throws Exception {
    long stale = added(bytes("first"));
    assertTrue(spymemcached.set(KEY, 0, bytes("theirs")).get(5, TimeUnit.SECONDS));
    CasConnection.Result result = cas(stale, bytes("mine"));
    assertEquals(CasConnection.Outcome.CONFLICT, result.outcome());
    assertArrayEquals(bytes("theirs"), (byte[]) spymemcached.get(KEY));
  }

  @Test
  void aMissingKeyConflictsAndIsNotCreated() throws Exception {
    assertEquals(CasConnection.Outcome.CONFLICT, cas(12345, bytes("x")).outcome());
    assertEquals(null, spymemcached.get(KEY));
  }

  @Test
  void aRefusedWriteFailsAndTheNextCallWorks() throws Exception {
    long cas = added(bytes("first"));
    byte[] tooLarge = new byte[2 * 1024 * 1024]; // over memcached's default item size of 1 MiB
    IOException refused = assertThrows(CasConnection.RefusedException.class, () -> cas(cas, tooLarge));
    assertTrue(refused.getMessage().contains("refused the write"), refused.getMessage());
    // A refused replace keeps the stored value (a refused set would drop it), and the
    // connection serves the next call.
    assertArrayEquals(bytes("first"), (byte[]) spymemcached.get(KEY));
    assertEquals(CasConnection.Outcome.STORED, cas(cas, bytes("small")).outcome());
  }

  @Test
  void aCasIdReadBeforeTheConnectionOpenedIsNeverSent() throws Exception {
    connection.close();
    long readBefore = connections.get();
    long cas = added(bytes("first"));
    CasConnection.Result result = connection.compareAndSet(KEY, cas, bytes("second"), readBefore);
    assertEquals(CasConnection.Outcome.CONFLICT, result.outcome());
    assertArrayEquals(bytes("first"), (byte[]) spymemcached.get(KEY), "the write was sent");
    assertEquals(CasConnection.Outcome.STORED, cas(cas, bytes("second")).outcome());
  }

  @Test
  void aRestartedMemcachedIsReachedAgainWithoutTheCasIdsOfTheOldOne() throws Exception {
    long cas = added(bytes("first"));
    assertEquals(CasConnection.Outcome.STORED, cas(cas, bytes("second")).outcome());
    long beforeRestart = connections.get();
    MEMCACHED.process().restart();
    assertThrows(IOException.class, () -> connection.compareAndSet(KEY, cas, bytes("lost"), beforeRestart));
    assertTrue(connections.get() > beforeRestart, "the lost connection counts");
    spymemcached.shutdown(1, TimeUnit.SECONDS);
    spymemcached = spymemcached(MEMCACHED.process());
    long fresh = added(bytes("again"));
    open();
    assertEquals(CasConnection.Outcome.STORED, cas(fresh, bytes("written")).outcome());
  }

  @Test
  void aHangingMemcachedFailsAWriteTooLargeForTheSocketBuffersAtTheDeadline() throws Exception {
    long cas = added(bytes("first"));
    byte[] huge = new byte[64 * 1024 * 1024]; // far more than the kernel buffers between us
    MEMCACHED.process().pause();
    try {
      assertTimeoutPreemptively(
          Duration.ofSeconds(20), () -> assertThrows(IOException.class, () -> cas(cas, huge)));
    } finally {
      MEMCACHED.process().resume();
    }
  }

  /** A compare-and-set of a cas id read under the current connection count. */
  private CasConnection.Result cas(long casId, byte[] value) throws IOException {
    return connection.compareAndSet(KEY, casId, value, connections.get());
  }

  private static MemcachedClient spymemcached(MemcachedProcess memcached) throws IOException {
    return new MemcachedClient(
        new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).build(),
        List.of(memcached.address()));
  }

  /** Adds {@code value} under the key and returns its cas id. */
  private long added(byte[] value) throws Exception {
    assertTrue(spymemcached.add(KEY, 0, value).get(5, TimeUnit.SECONDS));
    return spymemcached.gets(KEY).getCas();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
