package io.distributex.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory backend's append-only journal: every change an answer reports is on disk
 * (fsync'd) before the answer. Changes are queued by the pools and written by one thread in
 * batches, one write and one fsync per batch (group commit), so concurrent changes share an
 * fsync. When the file has grown to several times the live state, it is rewritten as that state
 * into a new file that replaces the old one by an atomic rename (then the directory is fsync'd),
 * so a crash at any moment leaves either file whole.
 *
 * <p>Only one server may use a file: an OS lock on {@code FILE.lock} is held while it is open. A
 * write that fails (disk full, I/O error) fails its batch and makes the journal unavailable; it
 * tries again every second and is available once a probe of a few pages is written and synced.
 */
final class Journal implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Journal.class.getName());
  private static final long RETRY_MILLIS = 1000;
  private static final int MIN_COMPACTION = 1024;
  private static final int PROBE_BYTES = 16 * 1024;

  private final Path file;
  private final TimeSource time;
  private final Channels channels;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final JournalState state;
  private final Thread writer;
  private FileChannel channel;
  private long goodLength;
  private int compactAbove;
  private Batch open = new Batch();
  private boolean closing;
  private volatile String failure;
  private volatile long syncs;
  /**
   * Records of batches whose write failed, in order: their changes stay in memory (the calls were
   * answered with the failure), so they are written before anything else once writes succeed, and
   * the file never disagrees with memory after a restart.
   */
  private final ByteArrayOutputStream unwritten = new ByteArrayOutputStream();
  private final List<JournalRecord> unwrittenRecords = new ArrayList<>();
  /** After a compaction's rename: the new file is not open yet, or the rename not yet durable. */
  private boolean replaced;

  /** Opens the journal's files for reading and writing; tests make it fail on demand. */
  @FunctionalInterface
  interface Channels {
    Channels FILES =
        path -> FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    FileChannel open(Path path) throws IOException;
  }

  /** Changes written together; their callers wait for the outcome of the whole batch. */
  static final class Batch {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<JournalRecord> records = new ArrayList<>();
    private boolean done;
    private IOException failed;

    /** Returns once the batch is on disk. */
    synchronized void await() {
      boolean interrupted = false;
      while (!done) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (failed != null) {
        throw new JournalUnavailableException(describe(failed), failed);
      }
    }

    private synchronized void finish(IOException outcome) {
      failed = outcome;
      done = true;
      notifyAll();
    }
  }

  private Journal(Path file, TimeSource time, Channels channels, FileChannel lockChannel, FileLock lock,
      JournalState state, FileChannel channel, long goodLength) {
    this.file = file;
    this.time = time;
    this.channels = channels;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.state = state;
    this.channel = channel;
    this.goodLength = goodLength;
    this.compactAbove = Math.max(MIN_COMPACTION, 4 * state.compacted(time.currentTimeMillis()).size());
    this.writer = new Thread(this::writeBatches, "distributex-journal");
    writer.setDaemon(true);
  }

  /**
   * Opens {@code file}, creating it when absent, and reads it back.
   *
   * @throws JournalException when it is not a regular file, cannot be written, is used by another
   *     running server, or is damaged (then it is left untouched)
   */
  static Journal open(Path file, TimeSource time) {
    return open(file, time, Channels.FILES);
  }

  static Journal open(Path file, TimeSource time, Channels channels) {
    String name = file.toString();
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new JournalException("journal " + name + ": not a regular file");
    }
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel lockChannel = openChannel(Channels.FILES, lockFile, name);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException | IOException busy) {
      lock = null;
    }
    if (lock == null) {
      closeQuietly(lockChannel);
      throw new JournalException("journal " + name + ": in use by another running server (its lock " + lockFile + " is held)");
    }
    try {
      FileChannel channel = openChannel(channels, file, name);
      byte[] bytes = Files.readAllBytes(file);
      JournalFile.Contents contents = JournalFile.read(bytes, name);
      if (contents.tornBytes() > 0) {
        LOG.log(Level.WARNING, "journal " + name + ": dropped a torn last record (" + contents.tornBytes()
            + " bytes at offset " + contents.validLength() + "), as a crash while writing leaves it");
        channel.truncate(contents.validLength());
        channel.force(true);
      }
      channel.position(contents.validLength());
      JournalState state = new JournalState();
      contents.records().forEach(state::apply);
      Journal journal =
          new Journal(file, time, channels, lockChannel, lock, state, channel, contents.validLength());
      journal.writer.start();
      return journal;
    } catch (IOException | RuntimeException failed) {
      closeQuietly(lockChannel);
      if (failed instanceof JournalException journalProblem) {
        throw journalProblem;
      }
      throw new JournalException("journal " + name + ": cannot be read: " + describe(failed), failed);
    }
  }

  /** What the file held when it was opened (and, after that, what has been written). */
  JournalState state() {
    return state;
  }

  /** How many batches have been written and synced: one fsync each. */
  long syncs() {
    return syncs;
  }

  /** Throws {@link JournalUnavailableException} while writes fail. */
  void checkAvailable() {
    String problem = failure;
    if (problem != null) {
      throw new JournalUnavailableException(problem, null);
    }
  }

  /** Queues {@code record}; its batch's {@link Batch#await} returns once it is on disk. */
  synchronized Batch append(JournalRecord record) {
    if (closing) {
      throw new BackendClosedException();
    }
    byte[] frame = JournalRecord.encode(record);
    open.bytes.write(frame, 0, frame.length);
    open.records.add(record);
    notifyAll();
    return open;
  }

  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
    try {
      writer.join(10_000);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(channel);
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel releases it anyway.
    }
    closeQuietly(lockChannel);
  }

  private void writeBatches() {
    while (true) {
      Batch batch;
      synchronized (this) {
        while (open.records.isEmpty() && !closing && failure == null) {
          waitQuietly(0);
        }
        if (open.records.isEmpty() && closing) {
          return;
        }
        if (open.records.isEmpty()) {
          waitQuietly(RETRY_MILLIS);
          if (open.records.isEmpty() && !closing) {
            probe();
          }
          continue;
        }
        batch = open;
        open = new Batch();
      }
      IOException outcome = write(batch);
      if (outcome == null) {
        compactIfLarge();
      }
      batch.finish(outcome);
    }
  }

  /** Writes the records of failed batches, then {@code batch} (none for a probe), and syncs. */
  private IOException write(Batch batch) {
    if (batch != null) {
      unwritten.write(batch.bytes.toByteArray(), 0, batch.bytes.size());
      unwrittenRecords.addAll(batch.records);
    }
    if (unwrittenRecords.isEmpty()) {
      return null;
    }
    try {
      if (replaced) {
        reopenReplaced();
      }
      ByteBuffer bytes = ByteBuffer.wrap(unwritten.toByteArray());
      channel.position(goodLength);
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      if (failure != null) {
        channel.truncate(channel.position()); // what a failed write may have left beyond it
      }
      channel.force(false);
      syncs++;
      goodLength = channel.position();
      unwrittenRecords.forEach(state::apply);
      unwrittenRecords.clear();
      unwritten.reset();
      return null;
    } catch (IOException failed) {
      fail(failed);
      return failed;
    }
  }

  /**
   * Whether the file can be written again: a few pages of zeros written and synced where the next
   * record goes, then cut off (a crash in between leaves zeros, a torn tail). Small writes may fit
   * in a page already allocated on a full disk; this one needs new space, as batches do.
   */
  private void probe() {
    if (write(null) != null) {
      return;
    }
    try {
      if (replaced) {
        reopenReplaced();
      }
      channel.position(goodLength);
      ByteBuffer zeros = ByteBuffer.allocate(PROBE_BYTES);
      while (zeros.hasRemaining()) {
        channel.write(zeros);
      }
      channel.force(false);
      channel.truncate(goodLength);
      channel.force(false);
      LOG.log(Level.INFO, "journal " + file + ": writable again");
      failure = null;
    } catch (IOException stillFailing) {
      fail(stillFailing);
    }
  }

  private void fail(IOException failed) {
    if (failure == null) {
      LOG.log(Level.ERROR, "journal " + file + ": cannot write: " + describe(failed)
          + "; state changes are refused until it can");
    }
    failure = describe(failed);
    if (replaced) {
      return; // the channel is the old, replaced file's
    }
    try {
      channel.truncate(goodLength);
    } catch (IOException stillFailing) {
      // The next successful write truncates behind itself.
    }
  }

  /** Rewrites the file as the live state once it holds several times as many records. */
  private void compactIfLarge() {
    if (state.records() <= compactAbove) {
      return;
    }
    long now = time.currentTimeMillis();
    List<JournalRecord> live = state.compacted(now);
    Path next = file.resolveSibling(file.getFileName() + ".compacting");
    try {
      try (FileChannel out = channels.open(next)) {
        out.truncate(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (JournalRecord record : live) {
          byte[] frame = JournalRecord.encode(record);
          bytes.write(frame, 0, frame.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException failed) {
      // The old file is whole and still open: append on, and try again once it has doubled.
      LOG.log(Level.WARNING, "journal " + file + ": compaction failed, appending on: " + describe(failed));
      try {
        Files.deleteIfExists(next);
      } catch (IOException ignored) {
        // A leftover .compacting file is overwritten by the next compaction.
      }
      compactAbove = state.records() * 2;
      return;
    }
    // From here on the old file is gone: nothing may be appended to it, and nothing is answered
    // until the new one is open and its name durable.
    replaced = true;
    state.compactedTo(live.size(), now);
    compactAbove = Math.max(MIN_COMPACTION, 4 * live.size());
    try {
      reopenReplaced();
    } catch (IOException failed) {
      fail(failed);
    }
  }

  /** Opens the file that replaced the old one, after making its name durable. */
  private void reopenReplaced() throws IOException {
    syncDirectory();
    FileChannel reopened = channels.open(file);
    closeQuietly(channel);
    channel = reopened;
    goodLength = channel.size();
    replaced = false;
  }

  /** Makes the rename durable: a power loss after it must not bring the old file back. */
  private void syncDirectory() throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private void waitQuietly(long millis) {
    try {
      wait(millis);
    } catch (InterruptedException interrupted) {
      closing = true;
    }
  }

  private static FileChannel openChannel(Channels channels, Path path, String name) {
    try {
      return channels.open(path);
    } catch (AccessDeniedException denied) {
      throw new JournalException("journal " + name + ": not writable (" + path + ": permission denied)", denied);
    } catch (NoSuchFileException missing) {
      throw new JournalException("journal " + name + ": its directory " + path.toAbsolutePath().getParent()
          + " does not exist", missing);
    } catch (IOException failed) {
      throw new JournalException("journal " + name + ": cannot be opened: " + describe(failed), failed);
    }
  }

  private static String describe(Exception failure) {
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing anyway.
    }
  }
}
