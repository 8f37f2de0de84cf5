package io.distributex.core.shared;

import io.distributex.core.Grant;
import io.distributex.core.Mode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One pool's state as a {@link SharedStore} keeps it, one value per pool: the holders and
 * the FIFO queue of every server (each with its mode), the last token, the epoch (a random number chosen when the
 * value was created, so a server can tell that the store lost the value and started afresh) and
 * the version (counting the writes of this epoch, so a server can tell an older read from a
 * newer one). Deadlines that fall on the same millisecond are handled in the order they were set,
 * numbered by {@code lastDeadline}, as a single server's scheduler would. {@code lost} names the
 * last waits whose place was dropped because their server stopped renewing it or never took
 * delivery of its grant, so that server, when it comes back, answers them with an error rather
 * than a plain no. {@code closedUntil} holds when the slots that lock-delay keeps closed open
 * again. {@code restoringUntil} is set when a server created the value anew after the store
 * lost it: until then, for {@code restoreMs} on each server's own clock, no slot is granted, so
 * that the holds nobody remembered can come back with their holders' renewals (0: not restoring).
 * {@code restoredEpoch} and {@code restoredVersion} name the newest state of the lost value whose
 * holds a server put back (0: none), so that a server that saw a newer state of it can take out
 * holds that had ended by then (see {@link StoredPoolChange#restore}). Changed only through
 * {@link StoredPoolChange}, written only with compare-and-set.
 */
record StoredPool(
    long epoch,
    long version,
    long lastToken,
    long lastDeadline,
    List<StoredGrant> holders,
    List<StoredWait> queue,
    List<Long> lost,
    List<Long> closedUntil,
    long restoringUntil,
    long restoreMs,
    long restoredEpoch,
    long restoredVersion) {
  /** The format written: 8 added each holder's and waiter's mode. */
  private static final byte FORMAT = 8;
  /** The format before modes, still read (a cluster being upgraded): every hold is exclusive. */
  private static final byte FORMAT_WITHOUT_MODES = 7;

  /** How many ids of waits whose place was dropped (see {@link #lost}) the value remembers. */
  static final int LOST_REMEMBERED = 256;

  StoredPool {
    holders = List.copyOf(holders);
    queue = List.copyOf(queue);
    lost = List.copyOf(lost);
    closedUntil = List.copyOf(closedUntil);
  }

  /** A state that is not restoring. */
  StoredPool(
      long epoch,
      long version,
      long lastToken,
      long lastDeadline,
      List<StoredGrant> holders,
      List<StoredWait> queue,
      List<Long> lost,
      List<Long> closedUntil) {
    this(epoch, version, lastToken, lastDeadline, holders, queue, lost, closedUntil, 0, 0, 0, 0);
  }

  static StoredPool empty(long epoch) {
    return new StoredPool(epoch, 0, 0, 0, List.of(), List.of(), List.of(), List.of());
  }

  /**
   * A held slot.
   *
   * @param periodMs the hold period renewals restart; 0 means never expires
   * @param expiresAt epoch ms; {@link Long#MAX_VALUE} when never
   * @param waitId the queued acquire it was granted to; for a grant made directly, a random id
   *     of its own
   * @param confirmBy epoch ms by which the waiter's server must confirm delivery; 0 once done
   * @param order when {@code expiresAt} was set, among the pool's deadlines
   * @param claimed whether the holder has asked for the hold again (a repeated get or wait, a
   *     renewal) and been answered with it: then it is never {@linkplain
   *     LockBackend#withdraw withdrawn} as undelivered
   * @param mode how the slot is held
   */
  record StoredGrant(
      String host,
      long token,
      long acquired,
      long periodMs,
      long expiresAt,
      long waitId,
      long confirmBy,
      long order,
      boolean claimed,
      Mode mode) {
    /** Delivered to its waiter's server. */
    StoredGrant confirmed() {
      return new StoredGrant(host, token, acquired, periodMs, expiresAt, waitId, 0, order, claimed, mode);
    }

    /** Restarted at the holder's own request: delivered, and claimed. */
    StoredGrant renewed(long newPeriodMs, long newExpiresAt, long newOrder) {
      return answering(waitId, newPeriodMs, newExpiresAt, newOrder);
    }

    /** Restarted as the answer to the holder's wait {@code newWaitId}: delivered, and claimed. */
    StoredGrant answering(long newWaitId, long newPeriodMs, long newExpiresAt, long newOrder) {
      return new StoredGrant(
          host, token, acquired, newPeriodMs, newExpiresAt, newWaitId, 0, newOrder, true, mode);
    }

    Grant grant(String pool) {
      return new Grant(
          pool,
          host,
          token,
          Instant.ofEpochMilli(acquired),
          expiresAt == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expiresAt)),
          mode);
    }
  }

  /**
   * A place in the queue.
   *
   * @param server the id of the server whose request waits
   * @param waitId that request's id, unique across servers
   * @param leaseMs the lease asked for; 0 for the pool's expire
   * @param staleAt epoch ms after which the place is dropped unless its server renews it
   * @param giveUpAt epoch ms when the wait times out; {@link Long#MAX_VALUE} when never
   * @param order when {@code giveUpAt} was set, among the pool's deadlines
   * @param mode the mode asked for
   */
  record StoredWait(
      String host,
      String server,
      long waitId,
      long since,
      long leaseMs,
      long staleAt,
      long giveUpAt,
      long order,
      Mode mode) {}

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 48 * (holders.size() + queue.size()));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(epoch);
      out.writeLong(version);
      out.writeLong(lastToken);
      out.writeLong(lastDeadline);
      out.writeLong(restoringUntil);
      out.writeLong(restoreMs);
      out.writeLong(restoredEpoch);
      out.writeLong(restoredVersion);
      out.writeInt(holders.size());
      for (StoredGrant holder : holders) {
        out.writeUTF(holder.host());
        out.writeLong(holder.token());
        out.writeLong(holder.acquired());
        out.writeLong(holder.periodMs());
        out.writeLong(holder.expiresAt());
        out.writeLong(holder.waitId());
        out.writeLong(holder.confirmBy());
        out.writeLong(holder.order());
        out.writeBoolean(holder.claimed());
        out.writeBoolean(holder.mode() == Mode.SHARED);
      }
      out.writeInt(lost.size());
      for (long waitId : lost) {
        out.writeLong(waitId);
      }
      out.writeInt(closedUntil.size());
      for (long until : closedUntil) {
        out.writeLong(until);
      }
      out.writeInt(queue.size());
      for (StoredWait queued : queue) {
        out.writeUTF(queued.host());
        out.writeUTF(queued.server());
        out.writeLong(queued.waitId());
        out.writeLong(queued.since());
        out.writeLong(queued.leaseMs());
        out.writeLong(queued.staleAt());
        out.writeLong(queued.giveUpAt());
        out.writeLong(queued.order());
        out.writeBoolean(queued.mode() == Mode.SHARED);
      }
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads what {@link #encode} wrote, or the format before modes (every hold and wait exclusive);
   * anything else is an {@link IllegalArgumentException}.
   */
  static StoredPool decode(byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      byte format = in.readByte();
      if (format != FORMAT && format != FORMAT_WITHOUT_MODES) {
        throw new IllegalArgumentException("unknown pool state format");
      }
      boolean modes = format == FORMAT;
      long epoch = in.readLong();
      long version = in.readLong();
      long lastToken = in.readLong();
      long lastDeadline = in.readLong();
      long restoringUntil = in.readLong();
      long restoreMs = in.readLong();
      long restoredEpoch = in.readLong();
      long restoredVersion = in.readLong();
      int holderCount = in.readInt();
      List<StoredGrant> holders = new ArrayList<>(Math.min(holderCount, 1024));
      for (int i = 0; i < holderCount; i++) {
        holders.add(
            new StoredGrant(
                in.readUTF(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readBoolean(),
                modes ? mode(in) : Mode.EXCLUSIVE));
      }
      int lostCount = in.readInt();
      if (lostCount < 0 || lostCount > LOST_REMEMBERED) {
        throw new IllegalArgumentException("corrupt pool state: " + lostCount + " lost waits");
      }
      List<Long> lost = new ArrayList<>(lostCount);
      for (int i = 0; i < lostCount; i++) {
        lost.add(in.readLong());
      }
      int closedCount = in.readInt();
      if (closedCount < 0 || closedCount > 1 << 16) {
        throw new IllegalArgumentException("corrupt pool state: " + closedCount + " closed slots");
      }
      List<Long> closedUntil = new ArrayList<>(closedCount);
      for (int i = 0; i < closedCount; i++) {
        closedUntil.add(in.readLong());
      }
      int queueLength = in.readInt();
      List<StoredWait> queue = new ArrayList<>(Math.min(queueLength, 1 << 16));
      for (int i = 0; i < queueLength; i++) {
        queue.add(
            new StoredWait(
                in.readUTF(),
                in.readUTF(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                modes ? mode(in) : Mode.EXCLUSIVE));
      }
      return new StoredPool(
          epoch,
          version,
          lastToken,
          lastDeadline,
          holders,
          queue,
          lost,
          closedUntil,
          restoringUntil,
          restoreMs,
          restoredEpoch,
          restoredVersion);
    } catch (IOException truncated) {
      throw new IllegalArgumentException("corrupt pool state: " + truncated, truncated);
    }
  }

  private static Mode mode(DataInputStream in) throws IOException {
    return in.readBoolean() ? Mode.SHARED : Mode.EXCLUSIVE;
  }
}
