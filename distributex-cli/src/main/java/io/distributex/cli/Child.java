package io.distributex.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * COMMAND, running in a process group of its own, and the {@link Signaller} that signals that
 * group.
 *
 * <h2>Why the group, and why two processes</h2>
 *
 * COMMAND is started as {@code setsid setpriv --pdeathsig KILL -- sh -c ...}: {@code setsid} makes
 * it the leader of a new session and process group (whose id is its pid), so the whole group can
 * be signalled, children of COMMAND included; {@code setpriv} gives it a parent-death signal, so
 * it is killed when the thread that started it ends, that is when the JVM dies however it dies.
 * A parent-death signal reaches that one process only, and {@code sh -c 'a; b'} runs {@code a} as
 * a child of its own. So a second, tiny shell, the signaller, reads lines from a pipe of ours: a
 * signal name sends that signal to COMMAND's group, {@code done} ends it quietly, and the end of
 * the pipe (which the kernel closes when the JVM dies, SIGKILL included) sends SIGKILL to the
 * whole group. Between them, COMMAND never runs on without its client.
 */
final class Child {
  private final Process process;
  private final Signaller signaller;

  private Child(Process process, Signaller signaller) {
    this.process = process;
    this.signaller = signaller;
  }

  /**
   * Starts {@code command} (one word: a shell command line; several: a program and its
   * arguments) with our environment, less the variables named in {@code withheld}, plus {@code
   * added}, once {@code signaller} runs, and hands it to the signaller. Call from the thread that
   * will wait for it: the parent-death signal fires when the starting thread ends.
   *
   * @throws IOException when the signaller, {@code setsid}, {@code setpriv} or {@code sh} cannot
   *     be started; COMMAND is then not running
   */
  static Child start(List<String> command, Map<String, String> added, Set<String> withheld, Signaller signaller)
      throws IOException {
    signaller.ready();
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
    try {
      signaller.watch(process.pid());
    } catch (IOException gone) {
      process.destroyForcibly();
      throw gone;
    }
    return new Child(process, signaller);
  }

  long pid() {
    return process.pid();
  }

  /** Sends {@code signal} (like "TERM") to COMMAND's process group; nothing once it is done. */
  void signal(String signal) {
    if (!signaller.send(signal) && process.isAlive()) {
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
    signaller.end();
  }
}
