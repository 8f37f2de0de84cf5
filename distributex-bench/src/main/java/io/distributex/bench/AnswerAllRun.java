package io.distributex.bench;

import io.distributex.testing.RawHttpResponse;
import java.io.IOException;

/**
 * A {@link WaiterRun} whose waiters are all answered at once, by one command to the child: each
 * answer must be {@code YES} and come after {@link #released}; the connection is closed on it.
 * Counts the answers and notes when the last one came.
 */
abstract class AnswerAllRun extends WaiterRun {
  private final boolean[] seen;
  WaiterDriver driver;
  /** Set just before the command that answers them all; an answer before it is a failure. */
  boolean released;
  int answered;
  private int finished;
  /** When the last {@code YES} arrived ({@link System#nanoTime()}). */
  long lastAnswer;

  AnswerAllRun(int size) {
    super(size);
    this.seen = new boolean[size];
  }

  /** Pumps until every waiter is done or the deadline passes; whether all are done. */
  final boolean pumpUntilAllDone(long deadline) throws IOException {
    return driver.pump(() -> finished == size, deadline);
  }

  @Override
  public final void onResponse(WaiterDriver.Conn conn, RawHttpResponse response) {
    if (!released) {
      failure("w" + conn.index + " answered before the release: " + response);
    } else if (!response.is("YES")) {
      failure("w" + conn.index + " answered " + response);
    } else {
      answered++;
      lastAnswer = System.nanoTime();
    }
    done(conn);
  }

  @Override
  public final void onClosed(WaiterDriver.Conn conn, IOException cause) {
    failure("w" + conn.index + "'s connection ended before its answer" + (cause == null ? "" : ": " + cause));
    done(conn);
  }

  private void done(WaiterDriver.Conn conn) {
    if (!seen[conn.index]) {
      seen[conn.index] = true;
      finished++;
    }
    driver.close(conn);
  }
}
