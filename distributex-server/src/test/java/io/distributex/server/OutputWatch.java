package io.distributex.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a child process's output on a daemon thread of its own until a line matches, then keeps
 * draining it so the child never blocks on a full pipe.
 *
 * <p>A thread of its own, never {@code CompletableFuture.runAsync}: the reading blocks for the
 * child's whole life, and since JDK 25 (JDK-8319447) async tasks without an executor always run in
 * the common ForkJoinPool, which has a single worker on a 2-core machine. A drain there starves
 * everything else queued on that pool, among it the JDK HttpClient's completion of {@code
 * sendAsync}, and so of a WebSocket's opening handshake. JDK 17 ran such tasks on a new thread
 * each when the pool had fewer than two workers, which hid the mistake.
 */
final class OutputWatch {
  /** The matching line, and the lines before it. */
  record Found(MatchResult match, List<String> before) {}

  private OutputWatch() {}

  /**
   * Starts reading {@code output}; the result completes with the first line that contains {@code
   * wanted}, or fails with the lines read when the output ends first.
   */
  static CompletableFuture<Found> watch(InputStream output, Pattern wanted, String name) {
    return watch(output, wanted, name, line -> {});
  }

  /** As {@link #watch(InputStream, Pattern, String)}, handing every line after the match to {@code after}. */
  static CompletableFuture<Found> watch(
      InputStream output, Pattern wanted, String name, Consumer<String> after) {
    CompletableFuture<Found> found = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              List<String> before = new ArrayList<>();
              try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (found.isDone()) {
                    after.accept(line);
                    continue;
                  }
                  Matcher matcher = wanted.matcher(line);
                  if (matcher.find()) {
                    found.complete(new Found(matcher.toMatchResult(), List.copyOf(before)));
                  } else {
                    before.add(line);
                  }
                }
              } catch (IOException closed) {
                // The child is gone, or its pipe was closed on purpose: nothing more to read.
              }
              found.completeExceptionally(
                  new IllegalStateException(name + " ended its output without a line matching " + wanted + ": " + before));
            },
            name + "-output");
    reader.setDaemon(true);
    reader.start();
    return found;
  }
}
