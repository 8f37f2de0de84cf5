package io.distributex.cli;

import io.distributex.client.AuthenticationException;
import io.distributex.client.DistributedLock;
import io.distributex.client.DistributexClient;
import io.distributex.client.DistributexException;
import io.distributex.client.NotAllowedException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One run of the command: local locks, wait for the slot, COMMAND, release.
 *
 * <h2>Runs on one machine as one identity</h2>
 *
 * The server lets a host hold one slot of a pool and answers a holder's request {@code YES} again
 * with the same token, so two runs on this machine with the same identity, pool and server would
 * share one grant, and the first to end would release it under the other. Such runs therefore
 * take turns on this machine first ({@link LocalLock#turnFile}), before asking the server, and
 * keep the turn until the slot is released: a second run waits like any other host (within
 * {@code -w}, stopped by signals), or with {@code -l} exits 75 at once.
 *
 * <h2>Who decides the exit status</h2>
 *
 * The first of these events decides it, whatever COMMAND returns afterwards: a signal N (128 +
 * N), the loss of the slot while COMMAND runs (70, unless {@code --keep-on-loss}). Without either,
 * COMMAND's own status.
 *
 * <h2>Threads</h2>
 *
 * The main thread takes the slot, starts COMMAND and waits for it; it must live until COMMAND
 * ends, since COMMAND's parent-death signal fires when the thread that started it ends. Signal
 * handlers (JVM threads) and the lock's loss listener (a client thread) only record what happened
 * and act on COMMAND through {@link Child}; they synchronize on this object with the main thread,
 * whose {@link Phase} tells them what there is to act on.
 */
final class Runner {
  /** How long a wait lasts before one line says who holds the slot. */
  private static final long REPORT_AFTER_MILLIS = 3000;
  /** How long exit waits for the release of a slot that was lost anyway. */
  private static final long LOST_RELEASE_MILLIS = 2000;

  private enum Phase {
    STARTING,
    WAITING,
    HOLDING,
    RUNNING,
    FINISHING
  }

  private final Settings settings;
  private final PrintStream err;
  private final Thread main = Thread.currentThread();
  /** The turn of this machine's runs as one identity; the main thread's only. */
  private LocalLock turn;
  /** Started while the server is asked; the main thread's only. */
  private Signaller signaller;

  // Guarded by this.
  private Phase phase = Phase.STARTING;
  private int decided;
  private boolean signalled;
  private boolean lost;
  private Child child;
  /** Waiting for another run on this machine, not yet for the server. */
  private boolean waitingHere;

  Runner(Settings settings, PrintStream err) {
    this.settings = settings;
    this.err = err;
  }

  int run() {
    try {
      handleSignals();
      LocalLock local = null;
      if (settings.localLock()) {
        Path file = LocalLock.file(settings.lockDirectory(), settings.pool());
        try {
          local = LocalLock.tryTake(file);
        } catch (IOException | UnsupportedOperationException cannot) {
          say("cannot lock " + file + ": " + describe(cannot) + "; COMMAND not run");
          return Exit.CANT_CREATE;
        }
        if (local == null) {
          say("another distributex on this machine holds " + file + "; COMMAND not run");
          return Exit.NOT_OBTAINED;
        }
        note("took the local lock " + file);
      }
      signaller = Signaller.start();
      try {
        return withClient();
      } finally {
        signaller.end();
        if (turn != null) {
          turn.release();
        }
        if (local != null) {
          local.release();
        }
      }
    } catch (RuntimeException | Error bug) {
      say("internal error: " + bug);
      return Exit.LOST;
    }
  }

  private int withClient() {
    // Plain sockets: the JDK's HttpClient would cost each run about 100 ms to start.
    DistributexClient.Builder builder =
        DistributexClient.builder().server(settings.server()).lease(settings.lease()).plainSockets();
    try {
      if (settings.identity() != null) {
        builder.identity(settings.identity());
      } else {
        builder.hostIdentity();
      }
      if (settings.secret() != null) {
        builder.secret(settings.secret());
      }
    } catch (IllegalArgumentException invalid) {
      say(invalid.getMessage());
      return Exit.USAGE;
    }
    DistributexClient client = builder.build();
    try {
      return withClient(client);
    } finally {
      client.close();
    }
  }

  private int withClient(DistributexClient client) {
    String pool = settings.pool();
    String identity = client.identity();
    synchronized (this) {
      if (decided != 0) {
        return decided;
      }
      phase = Phase.WAITING;
      waitingHere = true;
    }
    long start = System.nanoTime();
    Thread report = reportAfterAWhile(identity);
    Optional<DistributedLock> granted;
    try {
      int notTaken = takeTurn(identity, start);
      if (notTaken != 0) {
        return notTaken;
      }
      note("waiting for a slot of " + pool + " on " + where() + " as " + identity);
      Duration left = left(start);
      granted = left == null ? Optional.of(lock(client, pool)) : tryLock(client, pool, left);
    } catch (InterruptedException stopped) {
      synchronized (this) {
        return decided; // Only a signal interrupts the main thread; the client has left the queue.
      }
    } catch (DistributexException refused) {
      say(refusal(refused) + "; COMMAND not run");
      return Exit.UNAVAILABLE;
    } finally {
      report.interrupt();
      synchronized (this) {
        if (phase == Phase.WAITING) {
          phase = Phase.HOLDING;
        }
      }
    }
    if (granted.isEmpty()) {
      say("no slot of " + pool + " within " + seconds(settings.waitLimit().toMillis()) + " s; COMMAND not run");
      return Exit.NOT_OBTAINED;
    }
    return holding(granted.get(), identity);
  }

  /** The slot: shared with {@code --shared}, else exclusive. */
  private DistributedLock lock(DistributexClient client, String pool) throws InterruptedException {
    return settings.shared() ? client.lockShared(pool) : client.lock(pool);
  }

  private Optional<DistributedLock> tryLock(DistributexClient client, String pool, Duration left)
      throws InterruptedException {
    return settings.shared() ? client.tryLockShared(pool, left) : client.tryLock(pool, left);
  }

  /**
   * Takes the turn of this machine's runs as {@code identity} (see the class comment), waiting
   * for it within what is left of {@code -w} since {@code start}, or not at all with {@code -l}.
   * Zero when taken, else the exit status.
   *
   * @throws InterruptedException when a signal stopped the wait
   */
  private int takeTurn(String identity, long start) throws InterruptedException {
    Path file = LocalLock.turnFile(settings.lockDirectory(), settings.server(), settings.pool(), identity);
    try {
      turn = LocalLock.tryTake(file);
      Duration left = left(start);
      if (turn == null && !settings.localLock() && (left == null || !left.isZero())) {
        note(otherRun("a slot of " + settings.pool() + " on " + where(), identity) + ": waiting until it ends (" + file + ")");
        turn = LocalLock.take(file, left);
      }
    } catch (IOException | UnsupportedOperationException cannot) {
      say("cannot lock " + file + ": " + describe(cannot) + "; COMMAND not run");
      return Exit.CANT_CREATE;
    } finally {
      synchronized (this) {
        waitingHere = false;
      }
    }
    synchronized (this) {
      if (decided != 0) {
        return decided;
      }
    }
    if (turn == null) {
      say(
          settings.localLock()
              ? otherRun("a slot of " + settings.pool() + " on " + where(), identity) + " (" + file + "); COMMAND not run"
              : "no slot of " + settings.pool() + " within " + seconds(settings.waitLimit().toMillis()) + " s: "
                  + otherRun("it", identity) + "; COMMAND not run");
      return Exit.NOT_OBTAINED;
    }
    note("took the local lock " + file);
    return 0;
  }

  /** What is left of {@code -w} since {@code start}; null without {@code -w}. */
  private Duration left(long start) {
    if (settings.waitLimit() == null) {
      return null;
    }
    return Duration.ofNanos(Math.max(0, settings.waitLimit().toNanos() - (System.nanoTime() - start)));
  }

  private int holding(DistributedLock lock, String identity) {
    lock.onLost(this::onLost);
    Child started = null;
    int early = 0;
    synchronized (this) {
      Thread.interrupted(); // A signal that came with the grant is in `decided`; the flag is spent.
      if (decided != 0) {
        early = decided;
      } else if (!lock.isHeld()) {
        say("lost the slot of " + settings.pool() + " before COMMAND started; COMMAND not run");
        early = Exit.LOST;
      } else {
        Map<String, String> environment =
            Map.of(
                "DISTRIBUTEX_POOL", settings.pool(),
                "DISTRIBUTEX_HOST", identity,
                "DISTRIBUTEX_TOKEN", Long.toString(lock.token()),
                "DISTRIBUTEX_SERVER", serverVariable());
        try {
          // The secret is this command's credential, not COMMAND's: COMMAND may log its
          // environment or hand it on to programs that have no business with the server.
          started = Child.start(settings.command(), environment, Set.of(Settings.SECRET_VARIABLE), signaller);
          child = started;
          phase = Phase.RUNNING;
        } catch (IOException cannot) {
          say("cannot start COMMAND: " + describe(cannot) + " (it needs setsid and setpriv from util-linux, and sh)");
          early = Exit.UNAVAILABLE;
        }
      }
      if (early != 0) {
        phase = Phase.FINISHING;
      }
    }
    if (started == null) {
      lock.close();
      return early;
    }
    note("holding " + settings.pool() + " (token " + lock.token() + "); COMMAND is pid " + started.pid());
    int status = started.waitFor();
    started.finished();
    int result;
    boolean wasLost;
    synchronized (this) {
      phase = Phase.FINISHING;
      result = decided != 0 ? decided : status;
      wasLost = lost;
    }
    note("COMMAND exited with status " + status + "; releasing " + settings.pool());
    release(lock, wasLost);
    return result;
  }

  /** Releases; a slot that was lost meanwhile is released with a short bound, as a courtesy. */
  private static void release(DistributedLock lock, boolean lost) {
    if (!lost) {
      lock.close();
      return;
    }
    Thread closer = new Thread(lock::close, "distributex-release");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(LOST_RELEASE_MILLIS);
    } catch (InterruptedException ignored) {
      // Exit now: the hold, if the server still has it, ends with its lease.
      Thread.currentThread().interrupt();
    }
  }

  // ---- events from other threads ----

  private void handleSignals() {
    Signals.handle(this::onSignal, "INT", "TERM", "HUP");
  }

  private synchronized void onSignal(String name, int number) {
    boolean again = signalled;
    signalled = true;
    if (decided == 0) {
      decided = Exit.signalled(number);
    }
    switch (phase) {
      case WAITING:
        if (again) {
          Runtime.getRuntime().halt(decided); // Asked twice: do not wait to leave the queue.
        }
        main.interrupt();
        break;
      case RUNNING:
        child.signal(name);
        break;
      case FINISHING:
        if (again) {
          Runtime.getRuntime().halt(decided); // Asked twice: do not wait for the release.
        }
        break;
      default:
        break; // The main thread looks at `decided` before its next step.
    }
  }

  private synchronized void onLost() {
    if (phase == Phase.FINISHING) {
      return; // COMMAND is over and the slot being released anyway.
    }
    lost = true;
    if (phase != Phase.RUNNING) {
      return; // Not started: the main thread sees the loss and does not start COMMAND.
    }
    String what = "lost the slot of " + settings.pool() + " (the server refused a renewal, or none succeeded for a whole lease)";
    if (settings.keepOnLoss()) {
      say("warning: " + what + "; COMMAND runs on (--keep-on-loss)");
      return;
    }
    if (decided == 0) {
      decided = Exit.LOST;
    }
    say(what + ": stopping COMMAND (SIGTERM, SIGKILL after " + seconds(settings.grace().toMillis()) + " s)");
    child.signal("TERM");
    Thread killer =
        new Thread(
            () -> {
              try {
                TimeUnit.MILLISECONDS.sleep(settings.grace().toMillis());
              } catch (InterruptedException ignored) {
                return; // nothing here interrupts it; if something did, no SIGKILL is sent
              }
              synchronized (this) {
                if (phase == Phase.RUNNING) {
                  child.signal("KILL");
                }
              }
            },
            "distributex-grace");
    killer.setDaemon(true);
    killer.start();
  }

  /** After a few seconds of waiting, one line on stderr says who holds the slot. */
  private Thread reportAfterAWhile(String identity) {
    Thread report =
        new Thread(
            () -> {
              try {
                Thread.sleep(REPORT_AFTER_MILLIS);
              } catch (InterruptedException granted) {
                return; // the wait ended before the report was due: nothing to say
              }
              boolean here;
              synchronized (this) {
                here = waitingHere;
              }
              // The server would name this machine as holder: the run to wait for is ours.
              String who = here ? otherRun("it", identity) : Holders.ask(settings.server(), settings.secret(), settings.pool(), identity);
              synchronized (this) {
                if (phase == Phase.WAITING && !Thread.currentThread().isInterrupted()) {
                  say("waiting for a slot of " + settings.pool() + " on " + where() + ": " + who);
                }
              }
            },
            "distributex-report");
    report.setDaemon(true);
    report.start();
    return report;
  }

  // ---- words ----

  private String refusal(DistributexException refused) {
    String sentence = refused.getMessage();
    if (refused instanceof AuthenticationException) {
      return sentence + " by " + where() + " (give the secret in $" + Settings.SECRET_VARIABLE + " or --secret-file)";
    }
    if (refused instanceof NotAllowedException) {
      return sentence + " on " + where() + " (the pool lists its hosts; --id NAME gives another name)";
    }
    return sentence.contains(where()) || sentence.contains(settings.server().toString())
        ? sentence
        : sentence + " (server " + where() + ")";
  }

  private static String otherRun(String what, String identity) {
    return "another distributex on this machine holds or waits for " + what + " as " + identity;
  }

  private String where() {
    return settings.server().getRawAuthority();
  }

  private String serverVariable() {
    String uri = settings.server().toString();
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  private static String describe(Exception failure) {
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message;
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  private void say(String line) {
    synchronized (err) {
      err.println("distributex: " + line);
      err.flush();
    }
  }

  private void note(String line) {
    if (settings.verbose()) {
      say(line);
    }
  }
}
