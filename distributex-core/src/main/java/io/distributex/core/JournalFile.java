package io.distributex.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of a journal file's bytes, read back at start. A bad frame (cut short, a checksum
 * that does not match, a length no record has) with no good frame anywhere after it is a torn
 * tail, as a crash while appending leaves: it is dropped. A bad frame with a good one after it is
 * damage: the file is refused, with the offset of the bad frame.
 */
final class JournalFile {
  /** Longer than any record: two names of at most 255 bytes and four numbers. */
  private static final int MAX_RECORD = 1024;

  /** The records up to {@code validLength}; {@code tornBytes} after it were dropped. */
  record Contents(List<JournalRecord> records, long validLength, long tornBytes) {}

  private JournalFile() {}

  /** @throws JournalException naming {@code name} and the offset of the damage */
  static Contents read(byte[] bytes, String name) {
    List<JournalRecord> records = new ArrayList<>();
    int at = 0;
    while (at < bytes.length) {
      String problem = null;
      int next = -1;
      if (bytes.length - at < JournalRecord.FRAME) {
        problem = "a frame cut short";
      } else {
        int length = readInt(bytes, at);
        int crc = readInt(bytes, at + 4);
        if (length < 1 || length > MAX_RECORD) {
          problem = "a frame of length " + length;
        } else if (length > bytes.length - at - JournalRecord.FRAME) {
          problem = "a frame cut short";
        } else {
          byte[] payload = Arrays.copyOfRange(bytes, at + JournalRecord.FRAME, at + JournalRecord.FRAME + length);
          next = at + JournalRecord.FRAME + length;
          if (!JournalRecord.checks(payload, crc)) {
            problem = "a checksum that does not match";
          } else {
            try {
              records.add(JournalRecord.decode(payload));
            } catch (IllegalArgumentException unreadable) {
              problem = unreadable.getMessage();
            }
          }
        }
      }
      if (problem != null) {
        int good = goodFrameAfter(bytes, at + 1);
        if (good >= 0) {
          throw new JournalException(
              "journal " + name + ": damaged at offset " + at + " (" + problem
                  + ", with a good record at offset " + good + " after it); the file is left as it is");
        }
        return new Contents(records, at, bytes.length - at);
      }
      at = next;
    }
    return new Contents(records, at, 0);
  }

  /** The offset of the first whole, well-formed frame at or after {@code from}; -1 if none. */
  private static int goodFrameAfter(byte[] bytes, int from) {
    for (int at = from; at + JournalRecord.FRAME < bytes.length; at++) {
      int length = readInt(bytes, at);
      if (length < 1 || length > MAX_RECORD || length > bytes.length - at - JournalRecord.FRAME) {
        continue;
      }
      byte[] payload = Arrays.copyOfRange(bytes, at + JournalRecord.FRAME, at + JournalRecord.FRAME + length);
      if (JournalRecord.checks(payload, readInt(bytes, at + 4))) {
        try {
          JournalRecord.decode(payload);
          return at;
        } catch (IllegalArgumentException notARecord) {
          // Bytes that happen to check out but read as nothing: keep looking.
        }
      }
    }
    return -1;
  }

  private static int readInt(byte[] bytes, int at) {
    return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
  }
}
