package io.distributex.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * COMMAND, running in a process group of its own, and the small shell that signals that group.
 *
 * <h2>Why the group, and why two processes</h2>
 *
 * COMMAND is started as {@code setsid setpriv --pdeathsig KILL -- sh -c ...}: {@code setsid} makes
 * it the leader of a new session and process group (whose id is its pid), so the whole group can
 * be signalled, children of COMMAND included; {@code setpriv} gives it a parent-death signal, so
 * it is killed when the thread that started it ends, that is when the JVM dies however it dies.
 * A parent-death signal reaches that one process only, and {@code sh -c 'a; b'} runs {@code a} as
 * a child of its own. So a second, tiny shell, the <em>signaller</em>, reads lines from a pipe of
 * ours: a signal name sends that signal to COMMAND's group, {@code done} ends it quietly, and the
 * end of the pipe (which the kernel closes when the JVM dies, SIGKILL included) sends SIGKILL to
 * the whole group. Between them, COMMAND never runs on without its client.
 *
 * <p>The signaller ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT and has a session of its own, so
 * what stops the client (a terminal's Ctrl-C, a kill of the client's group) does not stop it
 * before it has done its work.
 */
final class Child {
  private static final String SIGNALLER =
      String.join(
          "\n",
          "trap '' INT TERM HUP QUIT",
          "while read -r signal; do",
          "  [ \"$signal\" = done ] && exit 0",
          // Right after the start the group may not exist yet: then signal the process itself.
          "  kill -s \"$signal\" -- \"-$1\" 2>/dev/null || kill -s \"$signal\" -- \"$1\" 2>/dev/null",
          "done",
          "kill -s KILL -- \"-$1\" 2>/dev/null || kill -s KILL -- \"$1\" 2>/dev/null",
          "");

  private final Process process;
  private final Process signaller;
  private final OutputStream toSignaller;
  private boolean done;

  private Child(Process process, Process signaller) {
    this.process = process;
    this.signaller = signaller;
    this.toSignaller = signaller.getOutputStream();
  }

  /**
   * Starts {@code command} (one word: a shell command line; several: a program and its
   * arguments) with our environment, less the variables named in {@code withheld}, plus {@code
   * added}; and its signaller. Call from the thread that will wait for it: the parent-death
   * signal fires when the starting thread ends.
   *
   * @throws IOException when {@code setsid}, {@code setpriv} or {@code sh} cannot be started
   */
  static Child start(List<String> command, Map<String, String> added, Set<String> withheld) throws IOException {
    List<String> argv = new ArrayList<>(List.of("setsid", "setpriv", "--pdeathsig", "KILL", "--", "sh", "-c"));
    if (command.size() == 1) {
      argv.add(command.get(0));
    } else {
      // Through the shell too, so that a missing program is the shell's 127, as with one word.
      argv.add("exec \"$@\"");
      argv.add("sh");
      argv.addAll(command);
    }
    ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
    builder.environment().keySet().removeAll(withheld);
    builder.environment().putAll(added);
    Process process = builder.start();
    Process signaller;
    try {
      signaller =
          new ProcessBuilder("setsid", "sh", "-c", SIGNALLER, "distributex-signaller", Long.toString(process.pid()))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException cannot) {
      process.destroyForcibly();
      throw cannot;
    }
    return new Child(process, signaller);
  }

  long pid() {
    return process.pid();
  }

  /** Sends {@code signal} (like "TERM") to COMMAND's process group; nothing once it is done. */
  synchronized void signal(String signal) {
    if (done) {
      return;
    }
    try {
      toSignaller.write((signal + "\n").getBytes(StandardCharsets.US_ASCII));
      toSignaller.flush();
    } catch (IOException gone) {
      // The signaller is gone only if killed from outside: signal COMMAND itself, the best left.
      if ("KILL".equals(signal)) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
    }
  }

  /** Waits until COMMAND ends; its exit status (128 + N when killed by signal N). */
  int waitFor() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return process.waitFor();
        } catch (InterruptedException ignored) {
          // Nothing may end the wait for COMMAND but COMMAND's end.
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * COMMAND has ended: the signaller leaves without signalling. What COMMAND left running in its
   * group in the background is not waited for, as a shell would not.
   */
  void finished() {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      try {
        toSignaller.write("done\n".getBytes(StandardCharsets.US_ASCII));
        toSignaller.close();
      } catch (IOException gone) {
        // Already gone: nothing left to tell it.
      }
    }
    try {
      // Not needed for correctness; a JVM that exits while a thread still waits for a child
      // process (in native code) pauses for 300 ms first.
      signaller.waitFor(1, TimeUnit.SECONDS);
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
  }
}
