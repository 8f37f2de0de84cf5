package io.distributex.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.memcached.MemcachedExtension;
import io.distributex.core.memcached.MemcachedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  private CasConnection connection;

  @BeforeEach
  void connect() throws IOException {
    MemcachedProcess memcached = MEMCACHED.process();
    memcached.flush();
    spymemcached =
        new MemcachedClient(
            new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).build(),
            List.of(memcached.address()));
    connection = new CasConnection(memcached.address(), 1_000);
  }

  @AfterEach
  void disconnect() {
    connection.close();
    spymemcached.shutdown(1, TimeUnit.SECONDS);
  }

  @Test
  void storesWhenTheCasIdIsCurrentAndSpymemcachedReadsTheBytesBack() throws Exception {
    long before = added(bytes("first"));
    CasConnection.Result result = connection.compareAndSet(KEY, before, bytes("second"));
    assertEquals(CasConnection.Outcome.STORED, result.outcome());
    assertNotEquals(before, result.cas());
    CASValue<Object> stored = spymemcached.gets(KEY);
    assertArrayEquals(bytes("second"), (byte[]) stored.getValue());
    assertEquals(result.cas(), stored.getCas(), "the cas id returned is the one memcached keeps");
    // And the id it returned is good for the next write, on the same connection.
    assertEquals(
        CasConnection.Outcome.STORED, connection.compareAndSet(KEY, result.cas(), bytes("third")).outcome());
  }

  @Test
  void aStaleCasIdConflictsAndChangesNothing() throws Exception {
    long stale = added(bytes("first"));
    assertTrue(spymemcached.set(KEY, 0, bytes("theirs")).get(5, TimeUnit.SECONDS));
    CasConnection.Result result = connection.compareAndSet(KEY, stale, bytes("mine"));
    assertEquals(CasConnection.Outcome.CONFLICT, result.outcome());
    assertArrayEquals(bytes("theirs"), (byte[]) spymemcached.get(KEY));
  }

  @Test
  void aMissingKeyConflictsAndIsNotCreated() throws Exception {
    assertEquals(CasConnection.Outcome.CONFLICT, connection.compareAndSet(KEY, 12345, bytes("x")).outcome());
    assertEquals(null, spymemcached.get(KEY));
  }

  @Test
  void aRefusedWriteFailsAndTheNextCallWorks() throws Exception {
    long cas = added(bytes("first"));
    byte[] tooLarge = new byte[2 * 1024 * 1024]; // over memcached's default item size of 1 MiB
    IOException refused = assertThrows(IOException.class, () -> connection.compareAndSet(KEY, cas, tooLarge));
    assertTrue(refused.getMessage().contains("refused the write"), refused.getMessage());
    // Memcached drops the old value of an item it refuses as too large (why MemcachedPool keeps
    // a pool's value well under the limit); the connection itself serves the next call.
    assertEquals(null, spymemcached.get(KEY));
    long again = added(bytes("first"));
    assertEquals(CasConnection.Outcome.STORED, connection.compareAndSet(KEY, again, bytes("small")).outcome());
  }

  @Test
  void aRestartedMemcachedIsReachedAgainOnTheNextCall() throws Exception {
    long cas = added(bytes("first"));
    assertEquals(CasConnection.Outcome.STORED, connection.compareAndSet(KEY, cas, bytes("second")).outcome());
    MEMCACHED.process().kill();
    assertThrows(IOException.class, () -> connection.compareAndSet(KEY, cas, bytes("lost")));
    MEMCACHED.process().restart();
    // The restarted memcached holds nothing: the old cas id meets no key.
    assertEquals(CasConnection.Outcome.CONFLICT, connection.compareAndSet(KEY, cas, bytes("again")).outcome());
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
