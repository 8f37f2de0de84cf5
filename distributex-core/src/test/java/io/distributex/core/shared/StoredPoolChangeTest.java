package io.distributex.core.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.Pool;
import io.distributex.core.shared.StoredPool.StoredGrant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure rules of the shared pool state, without memcached. */
class StoredPoolChangeTest {
  private static final Pool POOL = new Pool("p", Duration.ofSeconds(300), 1, Set.of(), false);
  private static final long NOW = 1_764_417_600_000L;

  private static StoredPoolChange change(StoredPool from, long now, Set<Long> live) {
    return new StoredPoolChange(from, POOL, now, "x", live, 1_000, StoredPool.StoredGrant::expiresAt, until -> until);
  }

  /**
   * A grant whose write failed unstored, withdrawn after the host was granted again with the same
   * token (the stored last token is ahead of this server's clock, so a retry draws the same one):
   * the withdrawal must not end the new grant. Before the fix it ended it by host and token.
   */
  @Test
  void withdrawingAGrantThatWasNeverStoredNeverEndsALaterOneWithTheSameToken() {
    StoredPool ahead = new StoredPool(7, 3, NOW * 1000 + 500, 0, List.of(), List.of(), List.of(), List.of());
    StoredPoolChange lost = change(ahead, NOW, Set.of());
    StoredGrant neverStored = lost.tryAcquire("a", Optional.empty()).orElseThrow();
    StoredPoolChange retry = change(ahead, NOW, Set.of());
    StoredGrant stored = retry.tryAcquire("a", Optional.empty()).orElseThrow();
    assertEquals(neverStored.token(), stored.token(), "the same token, drawn twice");

    StoredPoolChange withdrawal = change(retry.result(), NOW, Set.of());
    assertEquals(false, withdrawal.withdrawExactly(neverStored));
    assertEquals(List.of("a"), withdrawal.result().holders().stream().map(StoredGrant::host).toList());
    assertTrue(withdrawal.withdrawExactly(stored), "the grant itself is withdrawn");
  }

  @Test
  void aGrantToOneOfThisServersLiveWaitsIsDeliveredAtOnce() {
    StoredPoolChange edit = change(StoredPool.empty(7), NOW, Set.of(42L));
    edit.tryAcquire("a", Optional.empty());
    edit.enqueue("b", 42, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    edit.release("a", OptionalLong.empty());
    assertEquals(0, holder(edit.result(), "b").confirmBy());
  }

  @Test
  void aGrantToAPlaceThisServerNoLongerWaitsForMustBeConfirmedAndIsTakenBack() {
    StoredPoolChange edit = change(StoredPool.empty(7), NOW, Set.of());
    edit.tryAcquire("a", Optional.empty());
    edit.enqueue("b", 42, Optional.empty(), NOW + 10_000, Long.MAX_VALUE); // an orphaned place
    edit.enqueue("c", 43, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    edit.release("a", OptionalLong.empty());
    StoredPool granted = edit.result();
    assertEquals(NOW + 1_000, holder(granted, "b").confirmBy());

    StoredPoolChange later = change(granted, NOW + 1_000, Set.of(43L));
    later.maintain();
    StoredPool after = later.result();
    assertEquals(List.of("c"), after.holders().stream().map(StoredGrant::host).toList());
    assertTrue(after.lost().contains(42L), "the taken-back wait is remembered as lost");
  }

  @Test
  void theStateSurvivesEncoding() {
    StoredPoolChange edit = change(StoredPool.empty(7), NOW, Set.of());
    edit.tryAcquire("h\u00e9llo w\u00f6rld", Optional.of(Duration.ofSeconds(5)));
    edit.enqueue("b".repeat(255), 42, Optional.of(Duration.ofMillis(1500)), NOW + 10_000, NOW + 3_000);
    StoredPool state = edit.result();
    assertEquals(state, StoredPool.decode(state.encode()));
  }

  private static StoredGrant holder(StoredPool state, String host) {
    return state.holders().stream().filter(h -> h.host().equals(host)).findFirst().orElseThrow();
  }
}
