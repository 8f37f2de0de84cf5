package io.distributex.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * An OS file lock (fcntl) on a file of the lock directory, held until released or until the
 * process ends. The kernel drops it when the process dies however it dies, so a lock file left
 * behind by a killed run never blocks a later one. Two kinds of file: {@code -l}'s, one per pool
 * ({@link #file}), and the turn of the runs that share one grant, one per server, pool and
 * identity ({@link #turnFile}).
 *
 * <p>A file is never deleted: a run that deleted it could let the next run lock a new file while a
 * third still waits on the old one, and both would go ahead. Nothing is written into it either, and
 * it is opened without following symbolic links, so a link planted in a shared {@code /tmp} cannot
 * make the command write to another file. It is created readable and writable by everyone, so
 * that runs as other users (root's cron and a user's) can lock it too.
 */
final class LocalLock {
  /** FNV-1a's 128-bit offset basis, high and low half. */
  private static final long FNV_OFFSET_HIGH = 0x6c62272e07bb0142L;

  private static final long FNV_OFFSET_LOW = 0x62b821756295c58dL;
  /** FNV's 128-bit prime is 2^88 + PRIME_LOW. */
  private static final long FNV_PRIME_LOW = 0x13b;

  private final FileChannel channel;
  private final Path file;

  private LocalLock(FileChannel channel, Path file) {
    this.channel = channel;
    this.file = file;
  }

  /** The {@code -l} lock file of {@code pool} in {@code directory}. */
  static Path file(Path directory, String pool) {
    return directory.resolve("distributex-" + fileName(pool) + ".lock");
  }

  /**
   * The file whose lock is the turn of the runs on this machine that ask {@code server} for a slot
   * of {@code pool} as {@code identity}: the server grants them all the same slot, so they must
   * not run at once. Named by a hash (a pool and an identity may have 255 bytes each); the '@',
   * which {@link #fileName} never leaves as it is, keeps it apart from every pool's {@code -l}
   * file.
   */
  static Path turnFile(Path directory, URI server, String pool, String identity) {
    // Host names are case-insensitive; pool and identity hold no control characters.
    String key = server.getHost().toLowerCase(Locale.ROOT) + "\n" + server.getPort() + "\n" + pool + "\n" + identity;
    return directory.resolve("distributex-run@" + fnv1a128(key.getBytes(StandardCharsets.UTF_8)) + ".lock");
  }

  /**
   * The 128-bit FNV-1a hash of {@code bytes}, in 32 hex digits: no two keys share a file by
   * chance. Not SHA-256 through {@code MessageDigest}: the JDK's security providers, which that
   * loads and sets up, took about 12 ms of every run of the command.
   */
  static String fnv1a128(byte[] bytes) {
    long high = FNV_OFFSET_HIGH;
    long low = FNV_OFFSET_LOW;
    for (byte b : bytes) {
      low ^= b & 0xff;
      // (high, low) * (2^88 + PRIME_LOW) modulo 2^128; the shift carries low's bits into high.
      long carry = Math.multiplyHigh(low, FNV_PRIME_LOW) + ((low >> 63) & FNV_PRIME_LOW);
      high = high * FNV_PRIME_LOW + carry + (low << 24);
      low = low * FNV_PRIME_LOW;
    }
    return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
  }

  /**
   * Takes the lock without waiting; null when another process holds it.
   *
   * @throws IOException when the file cannot be created, opened or locked
   */
  static LocalLock tryTake(Path file) throws IOException {
    try {
      return take(file, Duration.ZERO);
    } catch (InterruptedException interrupted) {
      // A lock that is not waited for is not interrupted: only a thread interrupted beforehand
      // gets here. Keep its interrupt for whoever looks next, and report the lock as not taken.
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Takes the lock, waiting for it at most {@code limit} (null: as long as it takes); null when
   * another process held it throughout.
   *
   * @throws InterruptedException when the thread is interrupted while waiting (its interrupt is
   *     cleared)
   * @throws IOException when the file cannot be created, opened or locked
   */
  static LocalLock take(Path file, Duration limit) throws IOException, InterruptedException {
    FileChannel channel = open(file);
    FileLock lock;
    try {
      lock = channel.tryLock();
      if (lock == null && (limit == null || !limit.isZero())) {
        lock = waitFor(channel, limit);
      }
    } catch (OverlappingFileLockException heldHere) {
      lock = null; // This JVM holds it already: as busy as if another process did.
    } catch (ClosedByInterruptException | FileLockInterruptionException interrupted) {
      Thread.interrupted(); // The interrupt has done its work: it closed the channel.
      throw new InterruptedException("interrupted while waiting for the lock of " + file);
    } catch (IOException | RuntimeException failed) {
      channel.close();
      throw failed;
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    return new LocalLock(channel, file);
  }

  /** Blocks in {@code lock()}; an {@link Alarm} interrupts it when a limit runs out. */
  private static FileLock waitFor(FileChannel channel, Duration limit) throws IOException {
    if (limit == null) {
      return channel.lock();
    }
    Alarm alarm = Alarm.interruptAfter(limit);
    try {
      return channel.lock();
    } catch (ClosedByInterruptException | FileLockInterruptionException interrupted) {
      if (alarm.callOff()) {
        return null; // The limit ran out.
      }
      throw interrupted;
    } finally {
      alarm.callOff();
    }
  }

  /**
   * Opens {@code file} for locking, creating it readable and writable by everyone (whatever the
   * umask). An existing file is opened without {@code O_CREAT}, which Linux refuses on another
   * user's file in a sticky directory like {@code /tmp} ({@code fs.protected_regular}).
   */
  private static FileChannel open(Path file) throws IOException {
    while (true) {
      try {
        return FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException absent) {
        // Created below, unless another run is quicker.
      }
      FileChannel created;
      try {
        created = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException quicker) {
        continue; // Another run created it meanwhile: open that one.
      }
      try {
        PosixFileAttributeView view =
            Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
          view.setPermissions(PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        return created;
      } catch (IOException | RuntimeException failed) {
        created.close();
        throw failed;
      }
    }
  }

  /** Gives the lock up; the OS would at exit, but the next run should not wait for the JVM's end. */
  void release() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing a lock file cannot fail in a way that matters: the OS drops the lock at exit.
    }
  }

  /**
   * The pool's name as part of a file name: letters, digits, '.', '_' and '-' as they are, every
   * other byte of its UTF-8 as %XX, so that distinct pools never share a lock file and no name
   * can reach outside the directory.
   */
  static String fileName(String pool) {
    StringBuilder name = new StringBuilder();
    for (byte b : pool.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
        name.append(c);
      } else {
        name.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return name.toString();
  }
}
