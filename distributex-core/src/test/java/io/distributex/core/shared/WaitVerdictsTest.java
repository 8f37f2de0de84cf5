package io.distributex.core.shared;

import io.distributex.core.Mode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.distributex.core.shared.StoredPool.StoredGrant;
import io.distributex.core.shared.StoredPool.StoredWait;
import io.distributex.core.spi.PendingAcquire;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules that answer a server's waits from a stored state, one case each. */
class WaitVerdictsTest {
  private static final long NOW = 1_764_417_600_000L;
  private static final long EPOCH = 7;

  private static LocalWait wait(long id, String host, long giveUpAt, long epoch, long version) {
    LocalWait wait = new LocalWait(id, host, Mode.EXCLUSIVE, Optional.empty(), giveUpAt, new PendingAcquire(p -> true));
    wait.enqueuedIn(new StoredPool(epoch, version, 0, 0, List.of(), List.of(), List.of(), List.of()));
    return wait;
  }

  private static StoredGrant holder(String host, long waitId, long confirmBy) {
    return new StoredGrant(host, 5, NOW, 0, Long.MAX_VALUE, waitId, confirmBy, 0, false, Mode.EXCLUSIVE);
  }

  private static StoredWait place(String host, long waitId) {
    return new StoredWait(host, "x", waitId, NOW, 0, NOW + 10_000, Long.MAX_VALUE, 0, Mode.EXCLUSIVE);
  }

  private static WaitVerdicts.Verdict verdict(StoredPool state, LocalWait wait) {
    return new WaitVerdicts(state, NOW, false).of(wait);
  }

  @Test
  void aDeliveredGrantIsAYesAndAnUndeliveredOneWaitsForConfirmation() {
    LocalWait b = wait(42, "b", Long.MAX_VALUE, EPOCH, 1);
    StoredPool delivered = new StoredPool(EPOCH, 2, 5, 0, List.of(holder("b", 42, 0)), List.of(), List.of(), List.of());
    StoredPool pending = new StoredPool(EPOCH, 2, 5, 0, List.of(holder("b", 42, NOW + 1)), List.of(), List.of(), List.of());
    assertEquals(holder("b", 42, 0), ((WaitVerdicts.Granted) verdict(delivered, b)).holder());
    assertInstanceOf(WaitVerdicts.Undelivered.class, verdict(pending, b));
  }

  @Test
  void aPlaceInLineWaitsAndAnOlderStateDecidesNothing() {
    LocalWait b = wait(42, "b", Long.MAX_VALUE, EPOCH, 3);
    StoredPool inLine = new StoredPool(EPOCH, 3, 0, 0, List.of(), List.of(place("b", 42)), List.of(), List.of());
    StoredPool older = new StoredPool(EPOCH, 2, 0, 0, List.of(), List.of(), List.of(), List.of());
    assertInstanceOf(WaitVerdicts.Waiting.class, verdict(inLine, b));
    assertInstanceOf(WaitVerdicts.Waiting.class, verdict(older, b));
  }

  @Test
  void aWaitGoneFromANewerStateEndedAndOneDroppedWhileCutOffIsLost() {
    LocalWait b = wait(42, "b", Long.MAX_VALUE, EPOCH, 3);
    StoredPool gone = new StoredPool(EPOCH, 4, 0, 0, List.of(), List.of(), List.of(), List.of());
    StoredPool dropped = new StoredPool(EPOCH, 4, 0, 0, List.of(), List.of(), List.of(42L), List.of());
    assertInstanceOf(WaitVerdicts.Ended.class, verdict(gone, b));
    assertInstanceOf(WaitVerdicts.Lost.class, verdict(dropped, b));
  }

  @Test
  void afterMemcachedLostThePoolAWaitIsQueuedAgainUnlessDecidedMeanwhile() {
    StoredPool fresh = StoredPool.empty(8);
    assertInstanceOf(WaitVerdicts.Waiting.class, verdict(fresh, wait(42, "b", Long.MAX_VALUE, EPOCH, 3)));
    assertInstanceOf(WaitVerdicts.Ended.class, verdict(fresh, wait(42, "b", NOW, EPOCH, 3)));
    StoredPool hostHolds = new StoredPool(8, 1, 5, 0, List.of(holder("b", 0, 0)), List.of(), List.of(), List.of());
    assertInstanceOf(WaitVerdicts.Granted.class, verdict(hostHolds, wait(42, "b", Long.MAX_VALUE, EPOCH, 3)));
    assertInstanceOf(
        WaitVerdicts.Waiting.class,
        new WaitVerdicts(hostHolds, NOW, true).of(wait(42, "b", Long.MAX_VALUE, EPOCH, 3)),
        "in the restore window a hold put back answers no wait: it may have ended before the loss");
    StoredPool newerWait = new StoredPool(8, 1, 0, 0, List.of(), List.of(place("b", 43)), List.of(), List.of());
    assertInstanceOf(WaitVerdicts.Ended.class, verdict(newerWait, wait(42, "b", Long.MAX_VALUE, EPOCH, 3)));
  }
}
