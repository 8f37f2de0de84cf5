package io.distributex.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare {@code com.sun.net.httpserver} server with no Distributex code, the JDK's own floor:
 * same address, backlog, nodelay and executor size (16) as Distributex. In {@link Mode#ANSWER}
 * it answers {@code 200 YES} at once to every request; in {@link Mode#PARK} it keeps every
 * exchange open, unanswered, until {@link #releaseAll()} answers them all {@code YES} (chunked,
 * as Distributex answers parked waiters).
 */
final class BareServer implements AutoCloseable {
  /** What the server does with a request. */
  enum Mode {
    ANSWER,
    PARK
  }

  private static final byte[] YES = "YES".getBytes(StandardCharsets.UTF_8);

  private final HttpServer http;
  private final ExecutorService executor;
  private final Queue<HttpExchange> parked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger parkedCount = new AtomicInteger();

  private BareServer(Mode mode) throws IOException {
    Servers.prepare();
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(16, task -> {
      Thread thread = new Thread(task, "bare-http-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    pool.prestartAllCoreThreads(); // as a Distributex server has them after its first requests
    executor = pool;
    http = HttpServer.create(new InetSocketAddress(Servers.LOOPBACK, 0), 1024);
    http.setExecutor(executor);
    http.createContext("/", mode == Mode.ANSWER ? this::answer : this::park);
    http.start();
  }

  /** Starts a bare server on 127.0.0.1 at a free port. */
  static BareServer start(Mode mode) throws IOException {
    return new BareServer(mode);
  }

  /** Where to connect. */
  InetSocketAddress address() {
    return new InetSocketAddress(Servers.LOOPBACK, http.getAddress().getPort());
  }

  /** How many exchanges are parked now. */
  int parkedCount() {
    return parkedCount.get();
  }

  /** Answers every parked exchange {@code YES}; returns how many answers were written. */
  int releaseAll() {
    int written = 0;
    for (HttpExchange next = parked.poll(); next != null; next = parked.poll()) {
      parkedCount.decrementAndGet();
      try (HttpExchange exchange = next) {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(YES);
        out.flush();
        written++;
      } catch (IOException gone) {
        // the client went away; nothing to do
      }
    }
    return written;
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, YES.length);
      exchange.getResponseBody().write(YES);
    }
  }

  private void park(HttpExchange exchange) {
    parked.add(exchange);
    parkedCount.incrementAndGet();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
