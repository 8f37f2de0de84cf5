package io.distributex.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.BackendUnavailableException;
import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.core.TimeSource;
import io.distributex.testing.Await;
import io.distributex.testing.EtcdCluster;
import io.distributex.testing.EtcdExtension;
import io.distributex.testing.OpenedBackends;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The etcd backend on a real three-member cluster whose members the tests kill (SIGKILL) and
 * restart; each test says which fault it injects. Real time: etcd's elections take real seconds.
 */
@Timeout(120)
class EtcdFaultTest {
  private static final Optional<Duration> NO_LEASE = Optional.empty();
  private static final Pool POOL = new Pool("p", Duration.ofSeconds(300), 2, Set.of(), false);
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension(3);
  @RegisterExtension final OpenedBackends opened = new OpenedBackends();
  private final String prefix = EtcdTestBackends.freshPrefix();
  private final EtcdCluster etcd = ETCD.cluster();

  private LockBackend backend() {
    return opened.add(
        EtcdBackend.builder()
            .endpoints(etcd.endpoints())
            .prefix(prefix)
            .operationTimeout(Duration.ofSeconds(2))
            .pools(List.of(POOL))
            .timeSource(TimeSource.system())
            .build());
  }

  /** Fault: SIGKILL of the leader. The other two elect a new one; nothing granted is lost. */
  @Test
  void losingTheLeaderLosesNoHoldAndServiceResumes() throws Exception {
    LockBackend backend = backend();
    Grant a = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    etcd.leader().kill();
    Grant b = eventually(() -> backend.tryAcquire("p", "b", NO_LEASE)).orElseThrow();
    assertTrue(b.token() > a.token());
    assertEquals(Optional.empty(), eventually(() -> backend.tryAcquire("p", "c", NO_LEASE)), "a and b still hold");
  }

  /** Fault: SIGKILL of every member, then their restart. Holds and tokens are all still there. */
  @Test
  void aRestartOfEveryMemberLosesNoHoldAndNoToken() throws Exception {
    LockBackend backend = backend();
    Grant a = backend.tryAcquire("p", "a", NO_LEASE).orElseThrow();
    Grant b = backend.tryAcquire("p", "b", NO_LEASE).orElseThrow();
    etcd.killAll();
    etcd.restartStopped();
    assertEquals(Optional.empty(), eventually(() -> backend.tryAcquire("p", "c", NO_LEASE)), "a and b still hold");
    assertEquals(a.token(), backend.renew("p", "a", OptionalLong.of(a.token())).orElseThrow().token());
    backend.release("p", "b", OptionalLong.of(b.token()));
    assertTrue(backend.tryAcquire("p", "c", NO_LEASE).orElseThrow().token() > b.token());
  }

  /** Fault: every member down while the backend starts. It starts, refuses, then serves. */
  @Test
  void aBackendStartsWhileEtcdIsDownAndServesOnceItIsUp() throws Exception {
    etcd.killAll();
    LockBackend backend = backend();
    assertThrows(BackendUnavailableException.class, () -> backend.tryAcquire("p", "a", NO_LEASE));
    etcd.restartStopped();
    assertTrue(eventually(() -> backend.tryAcquire("p", "a", NO_LEASE)).isPresent());
  }

  /** The first answer of {@code call} that is not an unavailable backend, within 30 s. */
  private static <T> T eventually(Supplier<T> call) {
    return Await.available(Duration.ofSeconds(30), call);
  }
}
