package io.distributex.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;

/**
 * One change of the in-memory backend's durable state, as {@link Journal} writes it: a frame of
 * the payload's length, its CRC-32C, and the payload (a type byte and the fields).
 */
sealed interface JournalRecord {
  /** Bytes before the payload: its length and its checksum. */
  int FRAME = 8;

  /**
   * A hold granted or renewed: the whole hold, so the last such record of a host wins. An
   * exclusive hold is written as journals before shared holds wrote every hold (type 1), so those
   * journals read as exclusive holds; a shared one has a type of its own (5).
   */
  record Held(
      String pool, String host, Mode mode, long token, long acquired, long periodMs, long expiresAt)
      implements JournalRecord {}

  /** The hold {@code token} of {@code host} ended (release, expiry, withdrawal, forced release). */
  record Ended(String pool, String host, long token) implements JournalRecord {}

  /** One slot of {@code pool} stays closed until {@code until} (epoch ms): lock-delay. */
  record Closed(String pool, long until) implements JournalRecord {}

  /** Every token answered so far is at most {@code token}: a compacted journal starts with it. */
  record TokenFloor(long token) implements JournalRecord {}

  /** The framed bytes of {@code record}. */
  static byte[] encode(JournalRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0);
      out.writeInt(0);
      if (record instanceof Held held) {
        out.writeByte(held.mode() == Mode.EXCLUSIVE ? 1 : 5);
        out.writeUTF(held.pool());
        out.writeUTF(held.host());
        out.writeLong(held.token());
        out.writeLong(held.acquired());
        out.writeLong(held.periodMs());
        out.writeLong(held.expiresAt());
      } else if (record instanceof Ended ended) {
        out.writeByte(2);
        out.writeUTF(ended.pool());
        out.writeUTF(ended.host());
        out.writeLong(ended.token());
      } else if (record instanceof Closed closed) {
        out.writeByte(3);
        out.writeUTF(closed.pool());
        out.writeLong(closed.until());
      } else if (record instanceof TokenFloor floor) {
        out.writeByte(4);
        out.writeLong(floor.token());
      }
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    byte[] frame = bytes.toByteArray();
    int length = frame.length - FRAME;
    CRC32C crc = new CRC32C();
    crc.update(frame, FRAME, length);
    putInt(frame, 0, length);
    putInt(frame, 4, (int) crc.getValue());
    return frame;
  }

  /** Whether {@code payload} (after its frame) has the checksum {@code expected}. */
  static boolean checks(byte[] payload, int expected) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    return (int) crc.getValue() == expected;
  }

  /** Reads a payload that passed its checksum; anything else is an IllegalArgumentException. */
  static JournalRecord decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      int type = in.readByte();
      JournalRecord record =
          switch (type) {
            case 1 -> held(in, Mode.EXCLUSIVE);
            case 5 -> held(in, Mode.SHARED);
            case 2 -> new Ended(in.readUTF(), in.readUTF(), in.readLong());
            case 3 -> new Closed(in.readUTF(), in.readLong());
            case 4 -> new TokenFloor(in.readLong());
            default -> throw new IllegalArgumentException("unknown record type " + type);
          };
      if (in.available() > 0) {
        throw new IllegalArgumentException("record longer than its fields");
      }
      return record;
    } catch (IOException truncated) {
      throw new IllegalArgumentException("record shorter than its fields", truncated);
    }
  }

  private static Held held(DataInputStream in, Mode mode) throws IOException {
    return new Held(
        in.readUTF(), in.readUTF(), mode, in.readLong(), in.readLong(), in.readLong(), in.readLong());
  }

  private static void putInt(byte[] into, int at, int value) {
    into[at] = (byte) (value >>> 24);
    into[at + 1] = (byte) (value >>> 16);
    into[at + 2] = (byte) (value >>> 8);
    into[at + 3] = (byte) value;
  }
}
