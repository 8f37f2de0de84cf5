package io.distributex.core.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.Mode;
import io.distributex.core.ModeConflictException;
import io.distributex.core.Pool;
import io.distributex.core.shared.StoredPool.StoredGrant;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure rules of the shared pool state, without memcached. */
class StoredPoolChangeTest {
  private static final Pool POOL = new Pool("p", Duration.ofSeconds(300), 1, Set.of(), false);
  private static final long NOW = 1_764_417_600_000L;

  private static StoredPoolChange change(StoredPool from, long now, Set<Long> live) {
    return new StoredPoolChange(
        from, POOL, now, "x", live, 1_000, StoredPool.StoredGrant::expiresAt, until -> until, from.restoringUntil());
  }

  private static StoredGrant hold(String host, long token, long expiresAt) {
    return new StoredGrant(host, token, NOW - 1_000, 15_000, expiresAt, 99, 0, 1, true, Mode.EXCLUSIVE);
  }

  /**
   * A value the store lost, created anew by a server that remembers a's hold: a is back with its
   * token and deadline, the tokens stay above every one seen, and for the window nobody is granted
   * the free slot: the pool answers no, waits queue, and the window's end hands on in order.
   */
  @Test
  void aValueCreatedAfterALossPutsBackTheRememberedHoldsAndGrantsNothingForTheWindow() {
    Pool two = new Pool("p", Duration.ofSeconds(300), 2, Set.of(), false);
    long seenToken = NOW * 1000 + 77;
    StoredPoolChange created =
        new StoredPoolChange(StoredPool.empty(8), two, NOW, "x", Set.of(), 1_000, StoredGrant::expiresAt, u -> u, 0);
    created.restore(
        new RememberedPool.Restoration(List.of(hold("a", seenToken - 5, NOW + 14_000)), List.of(), seenToken, true, Optional.empty(), RememberedPool.Seen.NOTHING),
        5_000);
    assertEquals(Optional.empty(), created.tryAcquire("b", Mode.EXCLUSIVE, Optional.empty()), "a free slot, but restoring");
    created.enqueue("c", Mode.EXCLUSIVE, 43, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    StoredPool restored = created.result();
    assertEquals(List.of("a"), restored.holders().stream().map(StoredGrant::host).toList());
    assertEquals(seenToken - 5, holder(restored, "a").token());
    assertEquals(NOW + 5_000, restored.restoringUntil());
    assertEquals(seenToken, restored.lastToken());

    StoredPoolChange over =
        new StoredPoolChange(restored, two, NOW + 5_000, "x", Set.of(43L), 1_000, StoredGrant::expiresAt, u -> u, NOW + 5_000);
    over.maintain();
    StoredPool after = over.result();
    assertEquals(0, after.restoringUntil());
    assertEquals(List.of("a", "c"), after.holders().stream().map(StoredGrant::host).toList());
    assertTrue(holder(after, "c").token() > seenToken, "the first grant after the loss is above every token seen");
  }

  /**
   * In the window, a renewal with its token gives a hold back that no server remembered; not a
   * token from the future, not a token a holder has, not beyond the pool's slots, and never after
   * the window (a host whose hold lapsed must learn that it lost it).
   */
  @Test
  void aRenewalInTheWindowGivesItsHoldBackAndNothingElseDoes() {
    StoredPool restoring =
        new StoredPool(8, 1, NOW * 1000, 0, List.of(), List.of(), List.of(), List.of(), NOW + 5_000, 5_000, 0, 0);
    Optional<Duration> lease = Optional.of(Duration.ofSeconds(3));

    StoredPoolChange future = change(restoring, NOW, Set.of());
    assertEquals(Optional.empty(), future.renew("a", OptionalLong.of((NOW + 2 * 86_400_000L) * 1000), lease));
    assertEquals(Optional.empty(), future.renew("a", OptionalLong.empty(), lease), "no token, nothing to restore");

    StoredPoolChange renewal = change(restoring, NOW, Set.of());
    StoredGrant back = renewal.renew("a", OptionalLong.of(NOW * 1000 - 9), lease).orElseThrow();
    assertEquals(NOW * 1000 - 9, back.token());
    assertEquals(NOW + 3_000, back.expiresAt(), "held for the lease the renewal names");
    assertEquals(Optional.empty(), renewal.renew("b", OptionalLong.of(NOW * 1000 - 8), lease), "the one slot is taken");

    StoredPool afterWindow =
        new StoredPool(8, 1, NOW * 1000, 0, List.of(), List.of(), List.of(), List.of(), NOW - 1, 5_000, 0, 0);
    assertEquals(
        Optional.empty(), change(afterWindow, NOW, Set.of()).renew("a", OptionalLong.of(NOW * 1000 - 9), lease));
    assertEquals(
        Optional.empty(),
        change(StoredPool.empty(8), NOW, Set.of()).renew("a", OptionalLong.of(NOW * 1000 - 9), lease),
        "a pool that is not restoring gives nothing back");
  }

  /** A remembered hold that finds its slot granted anew is reported, not squeezed in. */
  @Test
  void aRememberedHoldThatNoLongerFitsIsReportedNotAdded() {
    StoredPoolChange fresh = change(StoredPool.empty(8), NOW, Set.of());
    fresh.tryAcquire("b", Mode.EXCLUSIVE, Optional.empty()).orElseThrow();
    StoredPoolChange merge = change(fresh.result(), NOW, Set.of());
    StoredGrant a = hold("a", 5, NOW + 14_000);
    merge.restore(new RememberedPool.Restoration(List.of(a), List.of(), 5, false, Optional.empty(), RememberedPool.Seen.NOTHING), 5_000);
    assertEquals(List.of(a), merge.unrestored());
    assertEquals(List.of("b"), merge.result().holders().stream().map(StoredGrant::host).toList());
  }

  /**
   * Two servers remember the lost value (epoch 5) as they last saw it: x at version 3, when a
   * held; y at version 6, after a had released and b was granted. x puts a back first; y's newer
   * state shows a ended, so y takes a out and puts b back; a server that saw version 4 comes last
   * and puts back nothing. Before the fix a stayed, b was reported as not fitting, and a's host
   * was answered yes with a's token while b's host still held the mutex.
   */
  @Test
  void theNewestStateOfTheLostValueWinsTheRestore() {
    long tokenA = NOW * 1000 - 20;
    long tokenB = NOW * 1000 - 10;
    StoredGrant a = hold("a", tokenA, NOW + 14_000);
    StoredGrant b = hold("b", tokenB, NOW + 14_000);
    StoredPoolChange byX = change(StoredPool.empty(8), NOW, Set.of());
    byX.restore(restoration(a, new RememberedPool.Seen(5, 3, tokenA, Set.of(tokenA))), 5_000);
    assertEquals(Optional.empty(), byX.tryAcquire("a", Mode.EXCLUSIVE, Optional.empty()), "a's host is not answered in the window");
    StoredPool afterX = byX.result();
    assertEquals(List.of("a"), afterX.holders().stream().map(StoredGrant::host).toList());

    StoredPoolChange byY = change(afterX, NOW + 500, Set.of());
    byY.restore(restoration(b, new RememberedPool.Seen(5, 6, tokenB, Set.of(tokenB))), 5_000);
    assertEquals(List.of(a), byY.superseded());
    assertEquals(List.of(), byY.unrestored());
    StoredPool afterY = byY.result();
    assertEquals(List.of("b"), afterY.holders().stream().map(StoredGrant::host).toList());
    assertEquals(6, afterY.restoredVersion());
    assertEquals(afterX.restoringUntil(), afterY.restoringUntil(), "the window is not restarted");

    StoredPoolChange byOlder = change(afterY, NOW + 600, Set.of());
    byOlder.restore(restoration(a, new RememberedPool.Seen(5, 4, tokenA, Set.of(tokenA))), 5_000);
    assertEquals(List.of("b"), byOlder.result().holders().stream().map(StoredGrant::host).toList());
    assertEquals(List.of(), byOlder.unrestored(), "an older state is no news, not a hold that did not fit");
  }

  /**
   * In the window a host whose hold was put back asks again: it is not answered yes (the hold may
   * have ended before the loss), its wait queues, and when the window ends it is answered with its
   * hold and token, taking no second slot, ahead of the waiters (it holds already).
   */
  @Test
  void aHolderAskingAgainInTheWindowIsAnsweredWithItsHoldWhenTheWindowEnds() {
    Pool two = new Pool("p", Duration.ofSeconds(300), 2, Set.of(), false);
    StoredGrant a = hold("a", NOW * 1000 - 20, NOW + 14_000);
    StoredPoolChange restore =
        new StoredPoolChange(StoredPool.empty(8), two, NOW, "x", Set.of(), 1_000, StoredGrant::expiresAt, u -> u, 0);
    restore.restore(restoration(a, new RememberedPool.Seen(5, 3, a.token(), Set.of(a.token()))), 5_000);
    assertEquals(Optional.empty(), restore.tryAcquire("a", Mode.EXCLUSIVE, Optional.empty()));
    restore.enqueue("c", Mode.EXCLUSIVE, 43, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    restore.enqueue("a", Mode.EXCLUSIVE, 44, Optional.of(Duration.ofSeconds(7)), NOW + 10_000, Long.MAX_VALUE);
    StoredPool restoring = restore.result();

    StoredPoolChange over =
        new StoredPoolChange(restoring, two, NOW + 5_000, "x", Set.of(43L, 44L), 1_000, StoredGrant::expiresAt, u -> u, NOW + 5_000);
    over.maintain();
    StoredPool after = over.result();
    assertEquals(List.of("a", "c"), after.holders().stream().map(StoredGrant::host).toList());
    StoredGrant answered = holder(after, "a");
    assertEquals(List.of(a.token(), 44L, NOW + 12_000), List.of(answered.token(), answered.waitId(), answered.expiresAt()));
    assertEquals(List.of(), after.queue());
  }

  private static RememberedPool.Restoration restoration(StoredGrant hold, RememberedPool.Seen from) {
    return new RememberedPool.Restoration(List.of(hold), List.of(), hold.token(), true, Optional.empty(), from);
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
    StoredGrant neverStored = lost.tryAcquire("a", Mode.EXCLUSIVE, Optional.empty()).orElseThrow();
    StoredPoolChange retry = change(ahead, NOW, Set.of());
    StoredGrant stored = retry.tryAcquire("a", Mode.EXCLUSIVE, Optional.empty()).orElseThrow();
    assertEquals(neverStored.token(), stored.token(), "the same token, drawn twice");

    StoredPoolChange withdrawal = change(retry.result(), NOW, Set.of());
    assertEquals(false, withdrawal.withdrawExactly(neverStored));
    assertEquals(List.of("a"), withdrawal.result().holders().stream().map(StoredGrant::host).toList());
    assertTrue(withdrawal.withdrawExactly(stored), "the grant itself is withdrawn");
  }

  @Test
  void aGrantToOneOfThisServersLiveWaitsIsDeliveredAtOnce() {
    StoredPoolChange edit = change(StoredPool.empty(7), NOW, Set.of(42L));
    edit.tryAcquire("a", Mode.EXCLUSIVE, Optional.empty());
    edit.enqueue("b", Mode.EXCLUSIVE, 42, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    edit.release("a", OptionalLong.empty());
    assertEquals(0, holder(edit.result(), "b").confirmBy());
  }

  @Test
  void aGrantToAPlaceThisServerNoLongerWaitsForMustBeConfirmedAndIsTakenBack() {
    StoredPoolChange edit = change(StoredPool.empty(7), NOW, Set.of());
    edit.tryAcquire("a", Mode.EXCLUSIVE, Optional.empty());
    edit.enqueue("b", Mode.EXCLUSIVE, 42, Optional.empty(), NOW + 10_000, Long.MAX_VALUE); // an orphaned place
    edit.enqueue("c", Mode.EXCLUSIVE, 43, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
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
    edit.tryAcquire("h\u00e9llo w\u00f6rld", Mode.EXCLUSIVE, Optional.of(Duration.ofSeconds(5)));
    edit.enqueue("s", Mode.SHARED, 41, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    edit.enqueue("b".repeat(255), Mode.EXCLUSIVE, 42, Optional.of(Duration.ofMillis(1500)), NOW + 10_000, NOW + 3_000);
    RememberedPool.Seen lost = new RememberedPool.Seen(5, 9, 0, Set.of());
    edit.restore(new RememberedPool.Restoration(List.of(), List.of(), 0, true, Optional.empty(), lost), 5_000);
    StoredPool state = edit.result();
    assertEquals(NOW + 5_000, state.restoringUntil());
    assertEquals(List.of(5L, 9L), List.of(state.restoredEpoch(), state.restoredVersion()));
    assertEquals(state, StoredPool.decode(state.encode()));
  }

  private static StoredGrant holder(StoredPool state, String host) {
    return state.holders().stream().filter(h -> h.host().equals(host)).findFirst().orElseThrow();
  }

  /**
   * Readers at the head of the queue are granted together, up to {@code maxshared}; a writer
   * behind them waits, and so do the readers behind the writer (writers never starve).
   */
  @Test
  void theQueueIsGrantedInOrderAcrossModes() {
    Pool pool = new Pool("p", Duration.ofSeconds(300), 1, Set.of(), false, Duration.ZERO, OptionalInt.of(2));
    StoredPoolChange edit =
        new StoredPoolChange(StoredPool.empty(7), pool, NOW, "x", Set.of(), 1_000, StoredGrant::expiresAt, u -> u, 0);
    edit.tryAcquire("w", Mode.EXCLUSIVE, Optional.empty()).orElseThrow();
    edit.enqueue("r1", Mode.SHARED, 1, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    edit.enqueue("r2", Mode.SHARED, 2, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    edit.enqueue("r3", Mode.SHARED, 3, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    edit.enqueue("w2", Mode.EXCLUSIVE, 4, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    edit.enqueue("r4", Mode.SHARED, 5, Optional.empty(), NOW + 10_000, Long.MAX_VALUE);
    assertThrows(ModeConflictException.class, () -> edit.tryAcquire("w", Mode.SHARED, Optional.empty()));
    edit.release("w", OptionalLong.empty());
    StoredPool state = edit.result();
    assertEquals(List.of("r1", "r2"), state.holders().stream().map(StoredGrant::host).toList());
    assertTrue(state.holders().stream().allMatch(holder -> holder.mode() == Mode.SHARED));
    assertEquals(
        List.of("r3", "w2", "r4"), state.queue().stream().map(StoredPool.StoredWait::host).toList());
  }

  /** A value written before modes (format 7) reads as exclusive holds and waits. */
  @Test
  void aValueOfTheFormatBeforeModesReadsAsExclusive() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(7);
      for (long field : new long[] {7, 3, NOW * 1000, 2, 0, 0, 0, 0}) {
        // epoch, version, lastToken, lastDeadline, restoringUntil, restoreMs, restoredEpoch and -Version
        out.writeLong(field);
      }
      out.writeInt(1);
      out.writeUTF("a");
      for (long field : new long[] {NOW * 1000, NOW, 15_000, NOW + 15_000, 99, 0, 1}) {
        out.writeLong(field);
      }
      out.writeBoolean(true);
      out.writeInt(0); // lost
      out.writeInt(0); // closed
      out.writeInt(1);
      out.writeUTF("b");
      out.writeUTF("x");
      for (long field : new long[] {42, NOW, 0, NOW + 10_000, Long.MAX_VALUE, 0}) {
        out.writeLong(field);
      }
    }
    StoredPool state = StoredPool.decode(bytes.toByteArray());
    assertEquals(
        new StoredGrant("a", NOW * 1000, NOW, 15_000, NOW + 15_000, 99, 0, 1, true, Mode.EXCLUSIVE),
        state.holders().get(0));
    assertEquals(Mode.EXCLUSIVE, state.queue().get(0).mode());
    assertEquals(state, StoredPool.decode(state.encode()));
  }
}
