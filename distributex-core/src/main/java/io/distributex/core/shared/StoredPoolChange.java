package io.distributex.core.shared;

import io.distributex.core.Grant;
import io.distributex.core.LockListener;
import io.distributex.core.Mode;
import io.distributex.core.ModeConflictException;
import io.distributex.core.Pool;
import io.distributex.core.Release;
import io.distributex.core.shared.StoredPool.StoredGrant;
import io.distributex.core.shared.StoredPool.StoredWait;
import io.distributex.core.spi.Occupancy;
import io.distributex.core.spi.TokenSequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import java.util.function.ToLongFunction;

/**
 * One change to a {@link StoredPool}, computed from one version read from the store and written
 * back only if nobody changed it since (compare-and-set); on a conflict it is computed again from
 * the newer version. Pure: no I/O, no clock of its own, so the same rules hold on every server.
 *
 * <p>Every change starts with {@link #maintain}: the deadlines that have passed take effect in
 * the order they fell (holds end and hand their slot on, waits time out, grants never delivered
 * to their waiter's server are taken back, places no longer renewed by their server are dropped),
 * so whichever server touches the pool first after a deadline hands the slot on.
 *
 * <p>What the change did (grants, releases, expiries, timeouts) is collected as {@link #events()}
 * for the {@link LockListener}, which is told only once the change is written.
 */
final class StoredPoolChange {
  /** How far ahead of this server's clock a restored token's granting server's clock may be. */
  private static final long TOKEN_CLOCK_SLACK_MS = 24 * 3600 * 1000L;

  private final Pool pool;
  private final long now;
  private final String server;
  private final long confirmWithinMs;
  private final long epoch;
  private final long version;
  private long lastToken;
  private long lastDeadline;
  private final List<StoredGrant> holders;
  private final List<StoredWait> queue;
  private final List<Long> lost;
  private final List<Long> closed;
  private long restoringUntil;
  private long restoreMs;
  private long restoredEpoch;
  private long restoredVersion;
  private long windowEnd;
  private final Set<Long> liveWaits;
  private final ToLongFunction<StoredGrant> endOf;
  private final LongUnaryOperator openingOf;
  private final List<Consumer<LockListener>> events = new ArrayList<>();
  private final List<StoredGrant> directGrants = new ArrayList<>();
  private final List<StoredGrant> unrestored = new ArrayList<>();
  private final List<StoredGrant> superseded = new ArrayList<>();
  private RememberedPool.Restoration restoration = RememberedPool.Restoration.NONE;
  private boolean changed;

  /**
   * @param server the id of the server making the change
   * @param liveWaits the ids of that server's waits that are still waiting: a grant to one of
   *     them is delivered at once; a grant to any other wait must be confirmed
   * @param endOf when this server may end a hold (epoch ms): its stored deadline or later (see
   *     {@link HoldSightings})
   * @param openingOf when this server may open a slot closed until the given time: then or later
   * @param windowEnd when this server may end the restore window of {@code from} (see {@link
   *     StoredPool#restoringUntil}): then or later
   */
  StoredPoolChange(
      StoredPool from,
      Pool pool,
      long now,
      String server,
      Set<Long> liveWaits,
      long confirmWithinMs,
      ToLongFunction<StoredGrant> endOf,
      LongUnaryOperator openingOf,
      long windowEnd) {
    this.pool = pool;
    this.now = now;
    this.server = server;
    this.confirmWithinMs = confirmWithinMs;
    this.epoch = from.epoch();
    this.version = from.version();
    this.lastToken = from.lastToken();
    this.lastDeadline = from.lastDeadline();
    this.holders = new ArrayList<>(from.holders());
    this.queue = new ArrayList<>(from.queue());
    this.lost = new ArrayList<>(from.lost());
    this.closed = new ArrayList<>(from.closedUntil());
    this.restoringUntil = from.restoringUntil();
    this.restoreMs = from.restoreMs();
    this.restoredEpoch = from.restoredEpoch();
    this.restoredVersion = from.restoredVersion();
    this.windowEnd = windowEnd;
    this.liveWaits = liveWaits;
    this.endOf = endOf;
    this.openingOf = openingOf;
  }

  boolean changed() {
    return changed;
  }

  int queueLength() {
    return queue.size();
  }

  /** What this change did, to tell the listener once it is written. */
  List<Consumer<LockListener>> events() {
    return events;
  }

  /**
   * The grants this change made straight to the caller ({@code /get/}, or a wait granted at once),
   * which only the caller's answer tells of: if the write's outcome is unknown, they may be
   * stored although their caller is told it failed.
   */
  List<StoredGrant> directGrants() {
    return directGrants;
  }

  /** The changed state, one version on; the same version when nothing changed. */
  StoredPool result() {
    return new StoredPool(
        epoch,
        changed ? version + 1 : version,
        lastToken,
        lastDeadline,
        holders,
        queue,
        lost,
        closed,
        restoringUntil,
        restoreMs,
        restoredEpoch,
        restoredVersion);
  }

  /**
   * Puts back what this server remembers of a value the store lost (see {@link RememberedPool}):
   * the holds that may still be alive, as they were, and the slots lock-delay kept closed, as long
   * as they fit the pool; and keeps every token above those seen. A value created anew after the
   * loss, or one that another server created without what this one remembers, restores for
   * {@code windowMs}: no slot is granted until holds nobody remembered had the chance to come
   * back with a renewal.
   *
   * <p>Servers remember the lost value as they last saw it, some later than others: a hold one
   * server put back may have ended before the state another one saw. So the newest state wins:
   * in the window, a server that saw a newer state of the lost value than the one put back takes
   * out the holds that had ended by then ({@link #superseded}) before it puts back its own, and
   * one that saw an older state puts back nothing. What did not fit (the pool's slots were granted
   * anew meanwhile) is {@link #unrestored}.
   */
  void restore(RememberedPool.Restoration from, long windowMs) {
    restoration = from;
    raiseTokens(from.tokenFloor());
    RememberedPool.Seen seen = from.from();
    boolean sameLoss = seen.epoch() != 0 && seen.epoch() == restoredEpoch;
    boolean restored = false;
    if (!sameLoss || seen.version() > restoredVersion) {
      if (sameLoss && restoring()) {
        superseded.addAll(holders.stream().filter(seen::ended).toList());
        holders.removeAll(superseded);
        restored = !superseded.isEmpty();
      }
      restored |= putBack(from);
      if (seen.epoch() != 0 && (restoredEpoch == 0 || sameLoss)) {
        restoredEpoch = seen.epoch();
        restoredVersion = seen.version();
        changed = true;
      }
    }
    changed |= restored;
    if ((from.created() || restored) && windowMs > 0 && !restoring()) {
      restoringUntil = now + windowMs;
      restoreMs = windowMs;
      windowEnd = restoringUntil;
      changed = true;
    }
  }

  /** Puts back the holds and closed slots of {@code from} that fit; whether it put back any. */
  private boolean putBack(RememberedPool.Restoration from) {
    boolean restored = false;
    for (StoredGrant hold : from.holds()) {
      if (holders.stream().anyMatch(h -> h.host().equals(hold.host()) || h.token() == hold.token())) {
        continue; // back already, or its host was granted the pool again
      }
      if (!occupancy().admits(pool, hold.mode())) {
        unrestored.add(hold);
        continue;
      }
      holders.add(
          new StoredGrant(
              hold.host(),
              hold.token(),
              hold.acquired(),
              hold.periodMs(),
              hold.expiresAt(),
              hold.waitId(),
              hold.confirmBy(),
              order(Duration.ofMillis(hold.periodMs())),
              hold.claimed(),
              hold.mode()));
      raiseTokens(hold.token());
      restored = true;
    }
    for (long until : from.closedUntil()) {
      if (!closed.contains(until) && occupancy().admits(pool, Mode.EXCLUSIVE)) {
        closed.add(until);
        restored = true;
      }
    }
    return restored;
  }

  /** What {@link #restore} was asked to put back. */
  RememberedPool.Restoration restoration() {
    return restoration;
  }

  /** The holds {@link #restore} took out: a newer state of the lost value shows them ended. */
  List<StoredGrant> superseded() {
    return superseded;
  }

  /** The remembered holds {@link #restore} could not put back: no slot was left for them. */
  List<StoredGrant> unrestored() {
    return unrestored;
  }

  /** Whether the pool is in its restore window: nothing is granted. */
  boolean restoring() {
    return restoringUntil != 0 && windowEnd > now;
  }

  private void raiseTokens(long floor) {
    if (floor > lastToken) {
      lastToken = floor;
      changed = true;
    }
  }

  /** Applies every deadline up to now, earliest first, ties in the order they were set. */
  void maintain() {
    changed |= closed.removeIf(until -> openingOf.applyAsLong(until) <= now); // handed on below
    if (restoringUntil != 0 && !restoring()) {
      restoringUntil = 0; // the restore window is over: the queue moves on below
      restoreMs = 0;
      changed = true;
    }
    while (true) {
      long due = Long.MAX_VALUE;
      long order = Long.MAX_VALUE;
      int holder = -1;
      int queued = -1;
      boolean timedOut = false;
      for (int i = 0; i < holders.size(); i++) {
        StoredGrant each = holders.get(i);
        long deadline = holderDeadline(each);
        if (deadline <= now && (deadline < due || (deadline == due && each.order() < order))) {
          due = deadline;
          order = each.order();
          holder = i;
          queued = -1;
        }
      }
      for (int i = 0; i < queue.size(); i++) {
        StoredWait each = queue.get(i);
        long deadline = Math.min(each.giveUpAt(), each.staleAt());
        if (deadline <= now && (deadline < due || (deadline == due && each.order() < order))) {
          due = deadline;
          order = each.order();
          queued = i;
          holder = -1;
          timedOut = each.giveUpAt() <= each.staleAt();
        }
      }
      if (holder >= 0) {
        StoredGrant ended = holders.remove(holder);
        if (ended.confirmBy() != 0 && ended.confirmBy() <= endOf.applyAsLong(ended)) {
          lose(ended.waitId()); // never delivered: taken back
        } else {
          Grant expired = ended.grant(pool.name());
          events.add(listener -> listener.expired(expired));
          long until = due + pool.lockDelay().toMillis();
          if (until > now) {
            closed.add(until); // lock-delay: the holder may still be finishing its work
          }
        }
        changed = true;
        handOff();
      } else if (queued >= 0) {
        StoredWait left = queue.remove(queued);
        if (timedOut) {
          events.add(listener -> listener.waitTimedOut(pool.name(), left.host()));
        } else {
          lose(left.waitId()); // its server stopped renewing it
        }
        changed = true;
        handOff(); // the places behind it may be admitted now
      } else {
        handOff(); // a pool that the store lost and this server queued into again
        return;
      }
    }
  }

  /** Whether {@code host} holds a slot. */
  boolean holds(String host) {
    return holderIndex(host) >= 0;
  }

  /** Whether {@code host} has a place in the queue. */
  boolean queues(String host) {
    return queue.stream().anyMatch(queued -> queued.host().equals(host));
  }

  /** Marks the grants to this server's waits {@code waitIds} as delivered. */
  void confirm(Set<Long> waitIds) {
    for (int i = 0; i < holders.size(); i++) {
      StoredGrant holder = holders.get(i);
      if (holder.confirmBy() != 0 && waitIds.contains(holder.waitId())) {
        holders.set(i, holder.confirmed());
        changed = true;
      }
    }
  }

  /**
   * Keeps this server's places {@code waitIds} from going stale: those that would go stale
   * before {@code refreshBefore} now last until {@code staleAt}.
   */
  void refresh(Set<Long> waitIds, long staleAt, long refreshBefore) {
    for (int i = 0; i < queue.size(); i++) {
      StoredWait queued = queue.get(i);
      if (waitIds.contains(queued.waitId()) && queued.staleAt() < refreshBefore) {
        queue.set(
            i,
            new StoredWait(
                queued.host(),
                queued.server(),
                queued.waitId(),
                queued.since(),
                queued.leaseMs(),
                staleAt,
                queued.giveUpAt(),
                queued.order(),
                queued.mode()));
        changed = true;
      }
    }
  }

  /**
   * The host's hold now if it holds in {@code mode}, or if the pool admits it and nobody waits:
   * {@code /get/}. Throws {@link ModeConflictException}, changing nothing, when the host holds in
   * the other mode.
   */
  Optional<StoredGrant> tryAcquire(String host, Mode mode, Optional<Duration> lease) {
    int held = holderIndex(host);
    if (held >= 0) {
      if (holders.get(held).mode() != mode) {
        throw new ModeConflictException(pool.name(), host, holders.get(held).mode());
      }
      // In the restore window a hold put back may be one that had ended (see restore): its host
      // is answered once the window is over (a wait is queued, and answered by handOff).
      return restoring() ? Optional.empty() : Optional.of(renew(held, pool.holdPeriod(lease)));
    }
    if (queue.isEmpty() && admits(mode)) {
      // A random id, as a wait's: the grant is told apart from a later one with the same token.
      long grantId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
      StoredGrant granted = grant(host, mode, pool.holdPeriod(lease), grantId, 0);
      directGrants.add(granted);
      Grant grant = granted.grant(pool.name());
      events.add(listener -> listener.granted(grant, Optional.empty()));
      return Optional.of(granted);
    }
    return Optional.empty();
  }

  /**
   * Puts the host in line, or gives its existing place (and time in line) to this wait, granted
   * at once when the pool admits it in its new mode.
   *
   * @param giveUpAt when the wait times out; {@link Long#MAX_VALUE} for never
   */
  void enqueue(
      String host, Mode mode, long waitId, Optional<Duration> lease, long staleAt, long giveUpAt) {
    long leaseMs = lease.map(Duration::toMillis).orElse(0L);
    long order = giveUpAt == Long.MAX_VALUE ? 0 : ++lastDeadline;
    changed = true;
    for (int i = 0; i < queue.size(); i++) {
      StoredWait queued = queue.get(i);
      if (queued.host().equals(host)) {
        queue.set(
            i, new StoredWait(host, server, waitId, queued.since(), leaseMs, staleAt, giveUpAt, order, mode));
        handOff(); // taken over in the other mode, the place may be admitted now
        return;
      }
    }
    queue.add(new StoredWait(host, server, waitId, now, leaseMs, staleAt, giveUpAt, order, mode));
  }

  /** Takes the wait {@code waitId} out of line; false when it is not in line. */
  boolean leave(long waitId) {
    boolean left = queue.removeIf(queued -> queued.waitId() == waitId);
    changed |= left;
    if (left) {
      handOff(); // the places behind it may be admitted now
    }
    return left;
  }

  Release release(String host, OptionalLong token) {
    int held = holderIndex(host);
    if (held >= 0) {
      if (token.isPresent() && token.getAsLong() != holders.get(held).token()) {
        return Release.TOKEN_MISMATCH;
      }
      end(held);
      return Release.RELEASED;
    }
    boolean left = queue.removeIf(queued -> queued.host().equals(host));
    changed |= left;
    if (left) {
      handOff(); // the places behind it may be admitted now
    }
    return left ? Release.LEFT_QUEUE : Release.NOT_HELD;
  }

  /**
   * Ends the host's grant {@code token} unless the host has claimed it (see {@link
   * LockBackend#withdraw}); false when nothing was ended.
   */
  boolean withdraw(String host, long token) {
    int held = holderIndex(host);
    if (held < 0 || holders.get(held).token() != token || holders.get(held).claimed()) {
      return false;
    }
    end(held);
    return true;
  }

  /**
   * Takes the waits {@code waitIds} out of line and ends the grants made to them that their
   * hosts have not claimed: their server stops and answers none of them.
   *
   * @return how many places and grants it ended
   */
  int abandon(Set<Long> waitIds) {
    int ended = 0;
    for (long waitId : waitIds) {
      if (leave(waitId)) {
        ended++;
      }
    }
    for (int i = holders.size() - 1; i >= 0; i--) {
      StoredGrant holder = holders.get(i);
      if (waitIds.contains(holder.waitId()) && !holder.claimed()) {
        end(i);
        ended++;
      }
    }
    return ended;
  }

  /**
   * Ends exactly {@code grant} (the same host, token and id) unless its host has claimed it: a
   * grant whose write may or may not have been stored. Another grant with the same token, made
   * when that write turned out not to be stored, is never touched.
   */
  boolean withdrawExactly(StoredGrant grant) {
    int held = holderIndex(grant.host());
    if (held < 0) {
      return false;
    }
    StoredGrant current = holders.get(held);
    if (current.token() != grant.token() || current.waitId() != grant.waitId() || current.claimed()) {
      return false;
    }
    end(held);
    return true;
  }

  /** Gives back the holder at {@code index} and hands its slot on. */
  private void end(int index) {
    Grant released = holders.remove(index).grant(pool.name());
    events.add(listener -> listener.released(released));
    changed = true;
    handOff();
  }

  /**
   * Restarts the host's hold period ({@code lease}, or the period it had); empty when it holds
   * nothing under {@code token}. In the restore window, a host that holds nothing and names its
   * token gets that hold back (see {@link #restoreRenewed}).
   */
  Optional<StoredGrant> renew(String host, OptionalLong token, Optional<Duration> lease) {
    int held = holderIndex(host);
    if (held < 0) {
      return restoreRenewed(host, token, lease);
    }
    if (token.isPresent() && token.getAsLong() != holders.get(held).token()) {
      return Optional.empty();
    }
    Duration period =
        lease.isPresent() ? pool.holdPeriod(lease) : Duration.ofMillis(holders.get(held).periodMs());
    return Optional.of(renew(held, period));
  }

  /**
   * The hold of a renewal that came back after the store lost its value: only in the restore
   * window, where nothing has been granted since the loss, so the token can only be one granted
   * before it; only while a slot is free for it; and only for a token no holder has and that is
   * not from the future (a token is at most the granting server's clock in microseconds). A
   * renewal does not tell the mode of its hold, so the hold comes back exclusive: never less
   * than it was.
   */
  private Optional<StoredGrant> restoreRenewed(
      String host, OptionalLong token, Optional<Duration> lease) {
    if (token.isEmpty() || !restoring() || !occupancy().admits(pool, Mode.EXCLUSIVE)) {
      return Optional.empty();
    }
    long held = token.getAsLong();
    if (held > (now + TOKEN_CLOCK_SLACK_MS) * TokenSequence.PER_MILLI
        || holders.stream().anyMatch(holder -> holder.token() == held)) {
      return Optional.empty();
    }
    Duration period = pool.holdPeriod(lease);
    long grantId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    StoredGrant restored =
        new StoredGrant(
            host, held, now, period.toMillis(), deadline(period), grantId, 0, order(period), true,
            Mode.EXCLUSIVE);
    holders.add(restored);
    raiseTokens(held);
    changed = true;
    return Optional.of(restored);
  }

  private void lose(long waitId) {
    lost.add(waitId);
    if (lost.size() > StoredPool.LOST_REMEMBERED) {
      lost.remove(0);
    }
  }

  /** Whether the pool admits one more holder in {@code mode}; none in the restore window. */
  private boolean admits(Mode mode) {
    return !restoring() && occupancy().admits(pool, mode);
  }

  private Occupancy occupancy() {
    return Occupancy.of(holders, StoredGrant::mode, closed.size());
  }

  /** Grants the head of the queue, in order, until the pool cannot admit the next one. */
  private void handOff() {
    if (restoring()) {
      return;
    }
    answerQueuedHolders();
    Occupancy occupancy = occupancy(); // counted once: readers granted together cost one pass
    while (!queue.isEmpty() && occupancy.admits(pool, queue.get(0).mode())) {
      StoredWait next = queue.remove(0);
      occupancy = occupancy.with(next.mode());
      boolean delivered = next.server().equals(server) && liveWaits.contains(next.waitId());
      long confirmBy = delivered ? 0 : now + confirmWithinMs;
      Grant grant =
          grant(next.host(), next.mode(), pool.holdPeriod(leaseOf(next)), next.waitId(), confirmBy)
              .grant(pool.name());
      Optional<Duration> waited = Optional.of(Duration.ofMillis(now - next.since()));
      events.add(listener -> listener.granted(grant, waited));
    }
  }

  /** Hosts that queued while they held (in a restore window) get their hold, re-entrant. */
  private void answerQueuedHolders() {
    if (queue.isEmpty() || holders.isEmpty()) {
      return; // the usual case, on every change: nothing to look up
    }
    Map<String, Integer> held = new HashMap<>();
    for (int i = 0; i < holders.size(); i++) {
      held.put(holders.get(i).host(), i);
    }
    for (Iterator<StoredWait> places = queue.iterator(); places.hasNext(); ) {
      StoredWait place = places.next();
      Integer index = held.get(place.host());
      if (index != null) {
        places.remove();
        Duration period = pool.holdPeriod(leaseOf(place));
        holders.set(
            index, holders.get(index).answering(place.waitId(), period.toMillis(), deadline(period), order(period)));
        changed = true;
      }
    }
  }

  private static Optional<Duration> leaseOf(StoredWait place) {
    return place.leaseMs() == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(place.leaseMs()));
  }

  private StoredGrant grant(String host, Mode mode, Duration period, long waitId, long confirmBy) {
    lastToken = Math.max(lastToken + 1, now * TokenSequence.PER_MILLI);
    StoredGrant holder =
        new StoredGrant(
            host, lastToken, now, period.toMillis(), deadline(period), waitId, confirmBy, order(period),
            false, mode);
    holders.add(holder);
    changed = true;
    return holder;
  }

  /** Restarts a hold; the holder asked for it itself, so the grant is delivered, too. */
  private StoredGrant renew(int index, Duration period) {
    StoredGrant renewed = holders.get(index).renewed(period.toMillis(), deadline(period), order(period));
    holders.set(index, renewed);
    changed = true;
    return renewed;
  }

  private long order(Duration period) {
    return period.isZero() ? 0 : ++lastDeadline;
  }

  private long deadline(Duration period) {
    return period.isZero() ? Long.MAX_VALUE : now + period.toMillis();
  }

  private long holderDeadline(StoredGrant holder) {
    long end = endOf.applyAsLong(holder);
    return holder.confirmBy() == 0 ? end : Math.min(end, holder.confirmBy());
  }

  private int holderIndex(String host) {
    for (int i = 0; i < holders.size(); i++) {
      if (holders.get(i).host().equals(host)) {
        return i;
      }
    }
    return -1;
  }
}
