package io.distributex.core.shared;

import io.distributex.core.TimeSource;
import io.distributex.core.shared.StoredPool.StoredGrant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What this server last saw of one pool in the store, kept so that a value the store loses
 * (memcached restarted, or evicted or flushed it) never hands a held slot to a second host: the
 * holds and closed slots of the newest version it saw, how long each may still be alive by this
 * server's own monotonic clock, and the highest token it saw in any epoch.
 *
 * <p>A state of another epoch (the store lost the value, and it was created anew) replaces what
 * is remembered only once the remembered holds that may still be alive are back in it, or this
 * server has written what it could put back ({@link #restored}). Until then every change this
 * server makes to the pool first restores them ({@link StoredPoolChange#restore}).
 */
final class RememberedPool {
  /**
   * What a change puts back: see {@link StoredPoolChange#restore}. {@code from}: the state of the
   * lost value the holds and closed slots come from.
   */
  record Restoration(
      List<StoredGrant> holds,
      List<Long> closedUntil,
      long tokenFloor,
      boolean created,
      Optional<String> incarnation,
      Seen from) {
    static final Restoration NONE =
        new Restoration(List.of(), List.of(), 0, false, Optional.empty(), Seen.NOTHING);

    /** Whether there is anything to put back beyond the token floor. */
    boolean restores() {
      return created || !holds.isEmpty() || !closedUntil.isEmpty();
    }
  }

  /**
   * One state of a value, as far as a restore needs it: which it was, its last token, and the
   * tokens of every hold in it (alive or not). A hold of an older state of the same value that is
   * not in a newer one, with a token no larger than the newer one's last, had ended by then.
   */
  record Seen(long epoch, long version, long lastToken, Set<Long> holderTokens) {
    static final Seen NOTHING = new Seen(0, 0, 0, Set.of());

    Seen {
      holderTokens = Set.copyOf(holderTokens);
    }

    static Seen of(StoredPool state) {
      Set<Long> tokens = new HashSet<>();
      state.holders().forEach(holder -> tokens.add(holder.token()));
      return new Seen(state.epoch(), state.version(), state.lastToken(), tokens);
    }

    /** Whether {@code hold} had ended by this state: it is older than the last token, and absent. */
    boolean ended(StoredGrant hold) {
      return hold.token() <= lastToken && !holderTokens.contains(hold.token());
    }
  }

  private final TimeSource time;
  private final HoldSightings sightings;
  private final Set<Long> retired = new HashSet<>();
  private long epoch;
  private long version;
  private StoredPool seen;
  private long highestToken;
  private Optional<String> incarnation = Optional.empty();

  RememberedPool(TimeSource time, long lockDelayMs) {
    this.time = time;
    this.sightings = new HoldSightings(time, lockDelayMs);
  }

  /**
   * What to put back into {@code state}: nothing when it is of the epoch this server knows; only
   * the token floor when this server knows no epoch, or {@code state} is of one that was replaced;
   * else the remembered holds and closed
   * slots that may still be alive. {@code state} of version 0 is one the store does not hold: the
   * change creates it, restoring when this server knew the pool's value, or knew the store process
   * that held it before {@code incarnationNow} (a restart that lost every value).
   */
  synchronized Restoration restorationFor(
      StoredPool state, Supplier<Optional<String>> incarnationNow) {
    if (state.epoch() == epoch) {
      return Restoration.NONE;
    }
    if (epoch == 0 || retired.contains(state.epoch())) {
      Optional<String> now = state.version() == 0 ? incarnationNow.get() : Optional.empty();
      return new Restoration(List.of(), List.of(), highestToken, restartedBefore(now), now, Seen.NOTHING);
    }
    long now = time.currentTimeMillis();
    return new Restoration(
        aliveHolds(),
        seen.closedUntil().stream().filter(until -> sightings.openingOf(until) > now).toList(),
        highestToken,
        state.version() == 0,
        state.version() == 0 ? incarnationNow.get() : Optional.empty(),
        Seen.of(seen));
  }

  /**
   * Whether {@code state} (as read; epoch 0 when the store holds nothing) shows that the store
   * lost the value this server knows, and a change should put back what it remembers.
   */
  synchronized boolean lostIn(StoredPool state, Optional<String> incarnationNow) {
    if (state.epoch() == 0) {
      return epoch != 0 || restartedBefore(incarnationNow);
    }
    if (epoch == 0 || state.epoch() == epoch || retired.contains(state.epoch())) {
      return false;
    }
    return !holdsAllOf(state);
  }

  /** Whether the store process this server knew was replaced by {@code now}'s. */
  private boolean restartedBefore(Optional<String> now) {
    return incarnation.isPresent() && now.isPresent() && !incarnation.equals(now);
  }

  /** The remembered holds that may still be alive, by this server's monotonic clock. */
  private List<StoredGrant> aliveHolds() {
    long now = time.currentTimeMillis();
    return seen.holders().stream()
        .filter(hold -> sightings.endOf(hold) > now && (hold.confirmBy() == 0 || hold.confirmBy() > now))
        .toList();
  }

  /** Notes the store process that holds the pool's value now (see {@link SharedStore#incarnation}). */
  synchronized void seeIncarnation(Optional<String> now) {
    if (now.isPresent()) {
      incarnation = now;
    }
  }

  /**
   * Notes a state read from or written to the store (epoch 0: the store holds none; version 0: a
   * state a change found unchanged and so never wrote).
   */
  synchronized void see(StoredPool state) {
    highestToken = Math.max(highestToken, state.lastToken());
    if (state.epoch() == 0 || state.version() == 0 || retired.contains(state.epoch())) {
      return;
    }
    if (epoch == 0 || state.epoch() == epoch) {
      if (state.version() >= version) {
        adopt(state);
      }
    } else if (holdsAllOf(state)) {
      retired.add(epoch);
      adopt(state);
    }
  }

  /** Notes {@code state}, written with what this server could put back: the lost epoch is done. */
  synchronized void restored(StoredPool state, Restoration restoration) {
    highestToken = Math.max(highestToken, state.lastToken());
    seeIncarnation(restoration.incarnation());
    if (state.version() == 0) {
      return; // nothing to put back, no window: the store still holds no value
    }
    if (epoch != 0 && epoch != state.epoch()) {
      retired.add(epoch);
    }
    adopt(state);
  }

  /** Whether every remembered hold that may be alive is in {@code state}. */
  private boolean holdsAllOf(StoredPool state) {
    Set<Long> tokens = Seen.of(state).holderTokens();
    return epoch == 0 || aliveHolds().stream().allMatch(hold -> tokens.contains(hold.token()));
  }

  private void adopt(StoredPool state) {
    epoch = state.epoch();
    version = state.version();
    seen = state;
    sightings.see(state);
  }
}
