package io.distributex.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.JournalRecord.Closed;
import io.distributex.core.JournalRecord.Ended;
import io.distributex.core.JournalRecord.Held;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The journal file alone: what it keeps, what a crash leaves, what it refuses, how it fails. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalTest {
  private static final TimeSource TIME = TimeSource.system();

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("journal");
  }

  private static Held held(String host, long token) {
    return new Held("p", host, Mode.EXCLUSIVE, token, 1_000, 60_000, Long.MAX_VALUE - 1);
  }

  /** Writes {@code records} one batch each and closes. */
  private void write(List<JournalRecord> records) {
    try (Journal journal = Journal.open(file(), TIME)) {
      for (JournalRecord record : records) {
        journal.append(record).await();
      }
    }
  }

  private List<JournalRecord> sample() {
    return List.of(held("a", 10), held("b", 11), new Ended("p", "a", 10), new Closed("p", 5_000), held("c", 12));
  }

  @Test
  void whatWasWrittenComesBackAfterAReopen() {
    write(sample());
    try (Journal journal = Journal.open(file(), TIME)) {
      assertEquals(List.of(held("b", 11), held("c", 12)), journal.state().holds("p"));
      assertEquals(List.of(5_000L), journal.state().closedUntil("p"));
      assertEquals(12, journal.state().maxToken());
    }
  }

  /**
   * A shared hold comes back shared; an exclusive one is written as before shared holds (type 1),
   * so a journal written by an earlier version reads as exclusive holds.
   */
  @Test
  void aHoldComesBackInItsModeAndAnExclusiveRecordIsWrittenAsBeforeModes() {
    Held reader = new Held("p", "r", Mode.SHARED, 13, 1_000, 60_000, Long.MAX_VALUE - 1);
    write(List.of(held("a", 10), reader));
    try (Journal journal = Journal.open(file(), TIME)) {
      assertEquals(List.of(held("a", 10), reader), journal.state().holds("p"));
    }
    byte[] exclusive = JournalRecord.encode(held("a", 10));
    assertEquals(1, exclusive[JournalRecord.FRAME], "the type of a hold before modes");
    assertEquals(5, JournalRecord.encode(reader)[JournalRecord.FRAME]);
  }

  @Test
  void aFileCutAtAnyByteLosesOnlyTheRecordsAfterTheCut() throws IOException {
    write(sample());
    byte[] whole = Files.readAllBytes(file());
    List<Integer> ends = recordEnds(whole);
    for (int length = 0; length <= whole.length; length++) {
      int cut = length;
      Files.write(file(), java.util.Arrays.copyOf(whole, cut));
      int complete = (int) ends.stream().filter(end -> end <= cut).count();
      JournalState expected = new JournalState();
      sample().subList(0, complete).forEach(expected::apply);
      try (Journal journal = Journal.open(file(), TIME)) {
        assertEquals(expected.holds("p"), journal.state().holds("p"), "cut at " + cut);
        assertEquals(expected.maxToken(), journal.state().maxToken(), "cut at " + cut);
      }
      long kept = complete == 0 ? 0 : ends.get(complete - 1);
      assertEquals(kept, Files.size(file()), "the torn tail is dropped, cut at " + cut);
    }
  }

  @Test
  void aDamagedRecordBeforeTheLastIsRefusedWithItsOffsetAndTheFileIsLeftAlone() throws IOException {
    write(sample());
    byte[] whole = Files.readAllBytes(file());
    List<Integer> ends = recordEnds(whole);
    int lastStart = ends.get(ends.size() - 2);
    for (int at = 0; at < lastStart; at++) {
      byte[] damaged = whole.clone();
      damaged[at] ^= 0x40;
      Files.write(file(), damaged);
      int recordStart = 0;
      for (int end : ends) {
        if (end > at) {
          break;
        }
        recordStart = end;
      }
      JournalException refused = assertThrows(JournalException.class, () -> Journal.open(file(), TIME), "flip at " + at);
      assertTrue(refused.getMessage().contains(file().toString()), refused.getMessage());
      assertTrue(refused.getMessage().contains("damaged at offset " + recordStart + " ("), refused.getMessage());
      assertArrayEquals(damaged, Files.readAllBytes(file()), "untouched after a flip at " + at);
    }
  }

  @Test
  void zerosAfterTheLastRecordAreATornTail() throws IOException {
    write(sample());
    long length = Files.size(file());
    Files.write(file(), new byte[4096], java.nio.file.StandardOpenOption.APPEND);
    try (Journal journal = Journal.open(file(), TIME)) {
      assertEquals(12, journal.state().maxToken());
    }
    assertEquals(length, Files.size(file()));
  }

  @Test
  void aSecondOpenerIsRefusedWhileTheFirstHoldsTheFile() {
    try (Journal first = Journal.open(file(), TIME)) {
      JournalException refused = assertThrows(JournalException.class, () -> Journal.open(file(), TIME));
      assertTrue(refused.getMessage().contains("in use by another running server"), refused.getMessage());
    }
    Journal.open(file(), TIME).close(); // free again once the first is closed
  }

  @Test
  void aDirectoryOrAMissingDirectoryIsRefused() throws IOException {
    Files.createDirectory(file());
    assertTrue(
        assertThrows(JournalException.class, () -> Journal.open(file(), TIME)).getMessage().contains("not a regular file"));
    Path missing = dir.resolve("nope/journal");
    assertTrue(
        assertThrows(JournalException.class, () -> Journal.open(missing, TIME)).getMessage().contains("does not exist"));
  }

  @Test
  void aFullDiskFailsTheBatchMakesTheJournalUnavailableAndItRecoversByItself() throws Exception {
    AtomicBoolean full = new AtomicBoolean();
    Journal.Channels failing = path -> new FailingChannel(Journal.Channels.FILES.open(path), full);
    try (Journal journal = Journal.open(file(), TIME, failing)) {
      journal.append(held("a", 1)).await();
      full.set(true);
      assertThrows(JournalUnavailableException.class, () -> journal.append(held("b", 2)).await());
      assertThrows(JournalUnavailableException.class, journal::checkAvailable);
      full.set(false);
      awaitAvailable(journal);
      journal.append(held("c", 3)).await();
    }
    try (Journal journal = Journal.open(file(), TIME)) {
      assertEquals(
          List.of(held("a", 1), held("b", 2), held("c", 3)),
          journal.state().holds("p"),
          "the failed batch is written once the disk has room, before what came after it");
    }
  }

  @Test
  void compactionKeepsTheFileBoundedByTheLiveState() throws IOException {
    try (Journal journal = Journal.open(file(), TIME)) {
      List<Journal.Batch> batches = new ArrayList<>();
      for (long token = 1; token <= 100_000; token++) {
        String host = "h" + (token % 10);
        batches.add(journal.append(held(host, token)));
        if (token > 10) {
          batches.add(journal.append(new Ended("p", "h" + (token % 10), token - 10)));
        }
      }
      batches.forEach(Journal.Batch::await);
    }
    assertTrue(Files.size(file()) < 200_000, "size " + Files.size(file()) + " after 200,000 records");
    try (Journal journal = Journal.open(file(), TIME)) {
      assertEquals(10, journal.state().holds("p").size());
      assertEquals(100_000, journal.state().maxToken());
    }
  }

  /** Waits (10 s at most) for {@code journal} to find that it can write again. */
  static void awaitAvailable(Journal journal) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        journal.checkAvailable();
        return;
      } catch (JournalUnavailableException stillFailing) {
        assertTrue(System.nanoTime() < deadline, "the journal never recovered");
        Thread.sleep(20);
      }
    }
  }

  /** Where each record of a journal file ends. */
  private static List<Integer> recordEnds(byte[] bytes) {
    List<Integer> ends = new ArrayList<>();
    int at = 0;
    while (at < bytes.length) {
      int length = ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
      at += JournalRecord.FRAME + length;
      ends.add(at);
    }
    return ends;
  }
}
