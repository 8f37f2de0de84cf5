package io.distributex.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The small shell that signals COMMAND's process group, and kills it when this JVM dies (why:
 * {@link Child}). It is started before COMMAND, on a thread of its own while the server is asked,
 * so that its start (three programs: {@code jspawnhelper}, {@code setsid}, {@code sh}) is not on
 * the way from the grant to COMMAND; it waits for COMMAND's pid, the first line on its pipe, and
 * then for signal names. A pipe that ends before the pid (no COMMAND was run) ends it quietly.
 *
 * <p>It ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT and has a session of its own, so that what
 * stops the command (a terminal's Ctrl-C, a kill of its group) does not stop it before it has
 * done its work.
 */
final class Signaller {
  private static final String SCRIPT =
      String.join(
          "\n",
          "trap '' INT TERM HUP QUIT",
          "read -r pid || exit 0",
          "while read -r signal; do",
          "  [ \"$signal\" = done ] && exit 0",
          // Right after the start the group may not exist yet: then signal the process itself.
          "  kill -s \"$signal\" -- \"-$pid\" 2>/dev/null || kill -s \"$signal\" -- \"$pid\" 2>/dev/null",
          "done",
          "kill -s KILL -- \"-$pid\" 2>/dev/null || kill -s KILL -- \"$pid\" 2>/dev/null",
          "");

  private final CompletableFuture<Process> started;

  // Guarded by this.
  private OutputStream pipe;
  private boolean ended;

  private Signaller(CompletableFuture<Process> started) {
    this.started = started;
  }

  /** Starts the signaller in the background; {@link #end()} must follow, whatever happens. */
  static Signaller start() {
    CompletableFuture<Process> started = new CompletableFuture<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                started.complete(
                    new ProcessBuilder("setsid", "sh", "-c", SCRIPT, "distributex-signaller")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start());
              } catch (IOException | RuntimeException cannot) {
                started.completeExceptionally(cannot);
              }
            },
            "distributex-signaller-start");
    starter.setDaemon(true);
    starter.start();
    return new Signaller(started);
  }

  /**
   * Waits until the signaller runs.
   *
   * @throws IOException when it could not be started ({@code setsid} or {@code sh} missing)
   */
  void ready() throws IOException {
    process();
  }

  /**
   * From now on the signaller signals the process group of {@code pid} (COMMAND), and kills it
   * when this JVM dies.
   *
   * @throws IOException when the signaller did not start, or is gone
   */
  synchronized void watch(long pid) throws IOException {
    if (ended) {
      throw new IOException("the signaller has ended");
    }
    pipe = process().getOutputStream();
    write(pid + "\n");
  }

  /** Sends {@code signal} (like "TERM") to COMMAND's group; false when the signaller is gone. */
  synchronized boolean send(String signal) {
    if (ended || pipe == null) {
      return false;
    }
    try {
      write(signal + "\n");
      return true;
    } catch (IOException gone) {
      return false;
    }
  }

  /**
   * Ends the signaller without a signal and waits (a second at most) until it has: a JVM that
   * exits while one of its threads still waits for a child process pauses for 300 ms first.
   * Idempotent.
   */
  void end() {
    Process process;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      try {
        process = process();
      } catch (IOException neverStarted) {
        return; // nothing to end
      }
      try {
        OutputStream out = process.getOutputStream();
        if (pipe != null) {
          out.write("done\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.close();
      } catch (IOException gone) {
        // Already gone: nothing left to tell it.
      }
    }
    try {
      process.waitFor(1, TimeUnit.SECONDS);
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
  }

  private Process process() throws IOException {
    try {
      return started.join();
    } catch (CompletionException failed) {
      Throwable cause = failed.getCause();
      throw cause instanceof IOException ? (IOException) cause : new IOException(String.valueOf(cause), cause);
    }
  }

  private void write(String line) throws IOException {
    pipe.write(line.getBytes(StandardCharsets.US_ASCII));
    pipe.flush();
  }
}
