package io.distributex.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.distributex.core.BackendClosedException;
import io.distributex.core.BackendUnavailableException;
import io.distributex.core.Grant;
import io.distributex.core.JournalUnavailableException;
import io.distributex.core.LockBackend;
import io.distributex.core.Mode;
import io.distributex.core.ModeConflictException;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Release;
import io.distributex.core.TooManyWaitersException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every call of docs/protocol.md: checks the request and its credentials, asks the backend,
 * answers, and counts the answer. A {@code /wait/} that cannot be granted at once parks its
 * exchange with the backend's future and returns, so a waiter costs memory, not a thread; the
 * answer is written when the future completes: by the thread whose request completed it (a
 * {@code /release/} handing the slot on), right before that request's own answer ({@link
 * WaitersFirst}), or else (an expiry, a timeout, a backend's own thread) by the answer threads.
 */
final class LockHandler implements HttpHandler {
  private static final System.Logger LOG = System.getLogger(LockHandler.class.getName());

  /** Parameters go in the query string; a body is read and dropped, up to this much. */
  private static final int MAX_BODY = 64 * 1024;

  private final LockBackend backend;
  private final Executor answers;
  private final WaitersFirst waitersFirst;
  /**
   * Set while this thread serves a request: the parked answers that request completed, written by
   * the same thread before its own answer. Handing them to another thread would cost a thread
   * wake-up each, the larger part of a handoff once the server's threads have gone idle.
   */
  private final ThreadLocal<Deque<Runnable>> completedHere = new ThreadLocal<>();
  private final Access access;
  private final Metrics metrics;
  private final Set<CompletableFuture<Optional<Grant>>> parked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closing;

  LockHandler(
      LockBackend backend, Executor answers, WaitersFirst waitersFirst, Access access, Metrics metrics) {
    this.backend = backend;
    this.answers = answers;
    this.waitersFirst = waitersFirst;
    this.access = access;
    this.metrics = metrics;
  }

  /** From now on every call is answered {@code 503 ERROR: server shutting down}. */
  void refuseNewCalls() {
    closing = true;
  }

  /**
   * Cancels every parked wait, all at once on {@code on} (a cancel may have to reach a slow
   * store), so each leaves its queue and is answered {@code server shutting down}.
   */
  void cancelParked(Executor on) {
    parked.forEach(wait -> on.execute(() -> wait.cancel(false)));
  }

  /** Waits up to {@code patience} for the answers in flight to be written. */
  void awaitAnswers(Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (inFlight.get() > 0) {
      if (System.nanoTime() > deadline) {
        LOG.log(Level.WARNING, "stopping with {0} answers still in flight", inFlight.get());
        return;
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Deque<Runnable> completed = new ArrayDeque<>(1);
    completedHere.set(completed);
    WaitersFirst.OwnAnswer own = null;
    try {
      own = served(exchange);
    } finally {
      completedHere.remove();
      waitersFirst.answer(completed, own);
    }
  }

  /**
   * Where the answer of a parked wait is written: before the request this thread is serving, when
   * that request completed the wait; else on the answer threads.
   */
  private void answerParkedOn(Runnable answer) {
    Deque<Runnable> completed = completedHere.get();
    if (completed != null) {
      completed.add(answer);
    } else {
      answers.execute(answer);
    }
  }

  /** Serves the request; its answer to write, or null when the exchange was parked. */
  private WaitersFirst.OwnAnswer served(HttpExchange exchange) throws IOException {
    inFlight.incrementAndGet();
    Call call = Call.of(exchange.getRequestURI().getRawPath());
    Query query = Query.NONE;
    Answer answer;
    try {
      discardBody(exchange);
      query = Query.parse(exchange.getRequestURI().getRawQuery());
      answer = serve(exchange, call, query);
    } catch (Refusal refusal) {
      answer = Answer.of(refusal);
    } catch (IOException unreadable) {
      inFlight.decrementAndGet();
      throw unreadable; // the JDK closes the connection: there is nobody to answer
    } catch (RuntimeException failure) {
      answer = failed(exchange, failure);
    }
    if (answer == null) {
      return null;
    }
    Query asked = query;
    Answer told = answer;
    return () -> respond(exchange, call, asked, told, false);
  }

  /** The answer to send now, or null when the exchange was parked. */
  private Answer serve(HttpExchange exchange, Call call, Query query) throws Refusal {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("POST") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, POST, HEAD");
      throw Refusal.invalid(405, "method " + method + " not allowed (use GET or POST)");
    }
    if (closing) {
      throw Refusal.error(503, "server shutting down");
    }
    if (call == Call.HEALTH) {
      backend.checkHealth();
      return Answer.text(200, "OK");
    }
    Caller caller = access.identify(exchange);
    switch (call) {
      case GET:
        return get(caller, query);
      case WAIT:
        return await(exchange, caller, query);
      case RELEASE:
        return release(exchange, caller, query);
      case RENEW:
        return renew(caller, query);
      case VALIDATE:
        return validate(query);
      case STATUS:
        return new Answer(200, "application/json", StatusJson.render(backend.snapshot()), null);
      case METRICS:
        byte[] exposition = metrics.render(readableSnapshot());
        return new Answer(200, PrometheusText.CONTENT_TYPE, exposition, null);
      case PAGE:
        return page(exchange);
      default:
        throw Refusal.invalid(404, "unknown call '" + exchange.getRequestURI().getRawPath() + "'");
    }
  }

  private Answer get(Caller caller, Query query) throws Refusal {
    PoolAndHost names = PoolAndHost.of(caller, query);
    Optional<Duration> lease = query.positiveSeconds("lease");
    Mode mode = query.mode();
    return tried(target(names), mode, lease);
  }

  private Answer await(HttpExchange exchange, Caller caller, Query query) throws Refusal {
    PoolAndHost names = PoolAndHost.of(caller, query);
    Optional<Duration> lease = query.positiveSeconds("lease");
    Optional<Duration> timeout = query.seconds("timeout");
    Mode mode = query.mode();
    Target target = target(names);
    if (timeout.filter(Duration::isZero).isPresent()) {
      return tried(target, mode, lease);
    }
    CompletableFuture<Optional<Grant>> wait =
        backend.acquire(target.pool(), target.host(), mode, lease, timeout);
    if (wait.isDone()) {
      try {
        return yesOrNo(wait.join());
      } catch (CompletionException | CancellationException failed) {
        return failed(exchange, unwrapped(failed));
      }
    }
    parked.add(wait);
    wait.whenCompleteAsync(
        (granted, failure) -> {
          parked.remove(wait);
          answerParked(exchange, query, target, granted, failure);
        },
        this::answerParkedOn);
    return null;
  }

  /** A {@code /get/}, or a {@code /wait/} that may not wait. */
  private Answer tried(Target target, Mode mode, Optional<Duration> lease) {
    Optional<Grant> grant = backend.tryAcquire(target.pool(), target.host(), mode, lease);
    if (grant.isEmpty()) {
      metrics.busy(target.pool());
    }
    return yesOrNo(grant);
  }

  private void answerParked(
      HttpExchange exchange, Query query, Target target, Optional<Grant> granted, Throwable failure) {
    Answer answer = failure == null ? yesOrNo(granted) : failed(exchange, unwrapped(failure));
    try {
      respond(exchange, Call.WAIT, query, answer, true);
    } catch (IOException gone) {
      withdrawUnanswered(target, granted);
    }
  }

  /**
   * This request will never learn of its grant: the slot goes to the next waiter now, unless
   * another request of the host has been answered with it meanwhile (the host asked again on a
   * new connection), which the backend checks atomically.
   */
  private void withdrawUnanswered(Target target, Optional<Grant> granted) {
    if (granted == null || granted.isEmpty()) {
      return;
    }
    long token = granted.get().token();
    try {
      boolean withdrawn = backend.withdraw(target.pool(), target.host(), token);
      LOG.log(Level.INFO, () -> "waiter " + target.host() + " of pool " + target.pool()
          + " has gone; its grant " + token
          + (withdrawn ? " passed on" : " stays: the host has been answered with it since"));
    } catch (RuntimeException failed) {
      // The backend is unreachable or closing: the grant then ends with its lease or expire.
      LOG.log(Level.WARNING, "could not pass on the grant " + token + " of gone waiter "
          + target.host() + " of pool " + target.pool() + ": " + failed.getMessage());
    }
  }

  private static Throwable unwrapped(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private Answer release(HttpExchange exchange, Caller caller, Query query) throws Refusal {
    PoolAndHost names = PoolAndHost.of(caller, query);
    OptionalLong token = query.token();
    boolean force = query.flag("force");
    Target target = target(names);
    if (force) {
      access.requireAdmin(caller);
    } else {
      requireStrictToken(target, token);
    }
    Release outcome = backend.release(target.pool(), target.host(), token);
    if (force) {
      LOG.log(
          Level.INFO,
          () -> "admin at " + remote(exchange) + " force-released " + target.host()
              + " from pool " + target.pool() + ": " + outcome);
    }
    return outcome == Release.TOKEN_MISMATCH ? Answer.text(409, "NO") : Answer.text(200, "OK");
  }

  private Answer renew(Caller caller, Query query) throws Refusal {
    PoolAndHost names = PoolAndHost.of(caller, query);
    OptionalLong token = query.token();
    Target target = target(names);
    requireStrictToken(target, token);
    Optional<Duration> lease = query.positiveSeconds("lease");
    Optional<Grant> renewed = backend.renew(target.pool(), target.host(), token, lease);
    return renewed.map(grant -> Answer.granted("OK", grant)).orElseGet(() -> Answer.text(409, "NO"));
  }

  private Answer validate(Query query) throws Refusal {
    String pool = query.name("pool");
    OptionalLong token = query.token();
    if (token.isEmpty()) {
      throw Refusal.invalid(400, "missing parameter 'token'");
    }
    knownPool(pool);
    return Answer.text(200, backend.isCurrent(pool, token.getAsLong()) ? "YES" : "NO");
  }

  private Answer page(HttpExchange exchange) {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Security-Policy", StatusPage.CONTENT_SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    try {
      byte[] html = StatusPage.render(snapshot(), Instant.now());
      return new Answer(200, StatusPage.CONTENT_TYPE, html, null);
    } catch (BackendUnavailableException unavailable) {
      return new Answer(
          503, StatusPage.CONTENT_TYPE, StatusPage.unavailable(unavailable(unavailable)), null);
    }
  }

  private Optional<List<PoolSnapshot>> readableSnapshot() {
    try {
      return Optional.of(snapshot());
    } catch (BackendUnavailableException unavailable) {
      // The metrics are still served, without the pools' gauges, while the backend is down.
      return Optional.empty();
    }
  }

  /** Every pool, for a person or a scraper: a store that is down fails once, not once per pool. */
  private List<PoolSnapshot> snapshot() {
    backend.checkHealth();
    return backend.snapshot();
  }

  /** Counts and logs the answer, then writes it; the exchange is no longer in flight after. */
  private void respond(HttpExchange exchange, Call call, Query query, Answer answer, boolean parked)
      throws IOException {
    try {
      metrics.answered(call, answer.status(), query.raw("pool"));
      if (answer.status() >= 400 && answer.status() < 500) {
        EventLog.LOG.log(
            Level.DEBUG,
            () -> "refused " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                + " from " + remote(exchange) + ": " + answer.status() + " " + answer.text());
      }
      answer.send(exchange, parked);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** The answer to a call the backend could not serve. */
  private static Answer failed(HttpExchange exchange, Throwable cause) {
    if (cause instanceof ModeConflictException conflict) {
      return Answer.text(409, "INVALID: " + conflict.getMessage());
    }
    if (cause instanceof JournalUnavailableException journal) {
      return Answer.text(503, "ERROR: journal unavailable: " + journal.getMessage());
    }
    if (cause instanceof BackendUnavailableException unavailable) {
      return Answer.text(503, unavailable(unavailable));
    }
    if (cause instanceof TooManyWaitersException full) {
      return Answer.text(503, "ERROR: " + full.getMessage());
    }
    if (cause instanceof BackendClosedException || cause instanceof CancellationException) {
      return Answer.text(503, "ERROR: server shutting down");
    }
    LOG.log(Level.ERROR, "failed to serve " + exchange.getRequestURI(), cause);
    return Answer.text(500, "ERROR: internal error: " + cause);
  }

  private static String remote(HttpExchange exchange) {
    return exchange.getRemoteAddress().getAddress().getHostAddress();
  }

  private static String unavailable(BackendUnavailableException unavailable) {
    return "ERROR: backend unavailable: " + unavailable.getMessage();
  }

  /**
   * Reads and drops the request body, so the request is complete (the JDK's {@code maxReqTime}
   * would otherwise cut a waiting POST that sent one) and nothing is kept of it.
   */
  private static void discardBody(HttpExchange exchange) throws IOException, Refusal {
    // Not closed here: closing drains the rest, which the refused client may never send. The
    // exchange closes it once the answer is out.
    InputStream body = exchange.getRequestBody();
    if (body.read() < 0) {
      return; // the usual case, a GET: no buffer for nothing
    }
    byte[] sink = new byte[8192];
    long read = 1;
    for (int n = body.read(sink); n >= 0; n = body.read(sink)) {
      read += n;
      if (read > MAX_BODY) {
        throw Refusal.invalid(413, "request body too large (parameters go in the query string)");
      }
    }
  }

  private static Answer yesOrNo(Optional<Grant> grant) {
    return grant.map(granted -> Answer.granted("YES", granted)).orElseGet(() -> Answer.text(200, "NO"));
  }

  /** The pool and host of a lock call: the pool known, the host allowed to use it. */
  private Target target(PoolAndHost names) throws Refusal {
    Pool pool = knownPool(names.pool());
    if (!pool.allows(names.host())) {
      throw Refusal.invalid(403, "host '" + names.host() + "' may not use pool '" + pool.name() + "'");
    }
    return new Target(pool, names.host());
  }

  private Pool knownPool(String name) throws Refusal {
    Pool pool = backend.pools().get(name);
    if (pool == null) {
      throw Refusal.invalid(404, "unknown pool '" + name + "'");
    }
    return pool;
  }

  private static void requireStrictToken(Target target, OptionalLong token) throws Refusal {
    if (token.isEmpty() && target.settings().strict()) {
      throw Refusal.invalid(400, "pool '" + target.pool() + "' is strict: token required");
    }
  }

  /** The two names of a lock call, present and well-formed; the host as the caller may act. */
  private record PoolAndHost(String pool, String host) {
    static PoolAndHost of(Caller caller, Query query) throws Refusal {
      return new PoolAndHost(query.name("pool"), caller.host(query));
    }
  }

  /** A lock call's pool, known, and a host allowed to use it. */
  private record Target(Pool settings, String host) {
    String pool() {
      return settings.name();
    }
  }
}
