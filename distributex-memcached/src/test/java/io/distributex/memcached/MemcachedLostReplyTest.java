package io.distributex.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.BackendUnavailableException;
import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.testing.MemcachedExtension;
import io.distributex.testing.OpenedBackends;
import io.distributex.testing.ReplyDroppingProxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A compare-and-set that memcached carries out but whose reply is lost (fault of the adversarial
 * review): the {@code /get/} is answered with an error, so its grant must not stand unclaimed.
 * Fault injected: a proxy passes the write on and drops memcached's reply. Before the fix the
 * grant stayed in memcached for the pool's whole {@code expire} (a 0.7 client held without
 * knowing it); now it is withdrawn as soon as memcached answers again.
 */
@Timeout(60)
class MemcachedLostReplyTest {
  private static final Optional<Duration> NO_LEASE = Optional.empty();
  private static final Duration SETTLE = Duration.ofSeconds(10);
  @RegisterExtension static final MemcachedExtension MEMCACHED = new MemcachedExtension();
  @RegisterExtension final OpenedBackends opened = new OpenedBackends();

  private final List<Pool> pools =
      List.of(new Pool("p", Duration.ofSeconds(300), 1, Set.of(), false));

  private LockBackend backendOn(java.net.InetSocketAddress memcached) {
    return opened.add(
        MemcachedBackend.builder()
            .servers(List.of(memcached))
            .operationTimeout(Duration.ofMillis(500))
            .reread(Duration.ZERO) // no reads of its own through the proxy: only the test's
            .pools(pools)
            .build());
  }

  @Test
  void aGrantWhoseWriteLostItsReplyIsWithdrawnOnceMemcachedAnswers() throws Exception {
    try (ReplyDroppingProxy proxy = new ReplyDroppingProxy(MEMCACHED.process().address())) {
      LockBackend cutOff = backendOn(proxy.address());
      LockBackend observer = backendOn(MEMCACHED.process().address());
      // A first write, so the next one goes out in one round trip from the version it knows.
      cutOff.tryAcquire("p", "warm", NO_LEASE).orElseThrow();
      cutOff.release("p", "warm", OptionalLong.empty());

      proxy.dropReplies();
      assertThrows(BackendUnavailableException.class, () -> cutOff.tryAcquire("p", "h", NO_LEASE));
      assertEquals(List.of("h"), holders(observer), "memcached stored the grant it never confirmed");

      proxy.passReplies();
      awaitHolders(observer, List.of());
      assertTrue(observer.tryAcquire("p", "other", NO_LEASE).isPresent());
    }
  }

  private static List<String> holders(LockBackend backend) {
    return backend.snapshot().get(0).holders().stream().map(Grant::host).toList();
  }

  private static void awaitHolders(LockBackend backend, List<String> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!holders(backend).equals(expected)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("holders " + holders(backend) + ", expected " + expected);
      }
      Thread.sleep(20);
    }
  }
}
