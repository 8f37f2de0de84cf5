package io.distributex.client.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code -l} lock: an OS file lock (fcntl) on {@code DIR/distributex-POOL.lock}, held until
 * the process ends. The kernel drops it when the process dies however it dies, so a lock file
 * left behind by a killed run never blocks a later one.
 *
 * <p>The file is never deleted: a run that deleted it could let the next run lock a new file
 * while a third still waits on the old one, and both would go ahead. Nothing is written into it
 * either, and it is opened without following symbolic links, so a link planted in a shared
 * {@code /tmp} cannot make the command write to another file.
 */
final class LocalLock {
  private final FileChannel channel;
  private final Path file;

  private LocalLock(FileChannel channel, Path file) {
    this.channel = channel;
    this.file = file;
  }

  /** The lock file of {@code pool} in {@code directory}. */
  static Path file(Path directory, String pool) {
    return directory.resolve("distributex-" + fileName(pool) + ".lock");
  }

  /**
   * Takes the lock without waiting; null when another process holds it.
   *
   * @throws IOException when the file cannot be created, opened or locked
   */
  static LocalLock tryTake(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldHere) {
      lock = null;
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

  Path path() {
    return file;
  }

  /** Not needed before exit (the OS drops the lock), but keeps the lock's life visible. */
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
