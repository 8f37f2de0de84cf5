package io.distributex.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.distributex.core.BackendClosedException;
import io.distributex.core.BackendUnavailableException;
import io.distributex.core.Grant;
import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.core.Release;
import io.distributex.core.TooManyWaitersException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
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
 * Every call of PROTOCOL.md section 1: parses and checks the request, asks the backend, answers.
 * A {@code /wait/} that cannot be granted at once parks its exchange with the backend's future
 * and returns, so a waiter costs memory, not a thread; the answer is written when the future
 * completes.
 */
final class LockHandler implements HttpHandler {
  private static final System.Logger LOG = System.getLogger(LockHandler.class.getName());

  private final LockBackend backend;
  private final Executor answers;
  private final Set<CompletableFuture<Optional<Grant>>> parked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closing;

  LockHandler(LockBackend backend, Executor answers) {
    this.backend = backend;
    this.answers = answers;
  }

  /**
   * Refuses new calls, answers every parked waiter (they leave their queues), and waits up to
   * {@code patience} for the answers in flight to be written.
   */
  void shutDown(Duration patience) throws InterruptedException {
    closing = true;
    parked.forEach(wait -> wait.cancel(false));
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
    inFlight.incrementAndGet();
    Answer answer;
    try {
      answer = serve(exchange);
    } catch (Refusal refusal) {
      answer = Answer.of(refusal);
    } catch (BackendUnavailableException unavailable) {
      answer = Answer.text(503, "ERROR: backend unavailable: " + unavailable.getMessage());
    } catch (TooManyWaitersException full) {
      answer = Answer.text(503, "ERROR: " + full.getMessage());
    } catch (BackendClosedException closed) {
      answer = Answer.text(503, "ERROR: server shutting down");
    } catch (RuntimeException bug) {
      LOG.log(Level.ERROR, "failed to serve " + exchange.getRequestURI(), bug);
      answer = Answer.text(500, "ERROR: internal error: " + bug);
    }
    if (answer != null) {
      try {
        answer.send(exchange, false);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  /** The answer to send now, or null when the exchange was parked. */
  private Answer serve(HttpExchange exchange) throws Refusal {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("POST") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, POST, HEAD");
      throw Refusal.invalid(405, "method " + method + " not allowed (use GET or POST)");
    }
    if (closing) {
      throw Refusal.error(503, "server shutting down");
    }
    String path = exchange.getRequestURI().getRawPath();
    String call = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    Query query = Query.parse(exchange.getRequestURI().getRawQuery());
    switch (call) {
      case "/get":
        return get(query);
      case "/wait":
        return await(exchange, query);
      case "/release":
        return release(query);
      case "/renew":
        return renew(query);
      case "/validate":
        return validate(query);
      case "/status":
        return new Answer(200, "application/json", StatusJson.render(backend.snapshot()), null);
      case "/health":
        backend.checkHealth();
        return Answer.text(200, "OK");
      default:
        throw Refusal.invalid(404, "unknown call '" + path + "'");
    }
  }

  private Answer get(Query query) throws Refusal {
    PoolAndHost names = PoolAndHost.of(query);
    Optional<Duration> lease = query.positiveSeconds("lease");
    Target target = target(names);
    return yesOrNo(backend.tryAcquire(target.pool(), target.host(), lease));
  }

  private Answer await(HttpExchange exchange, Query query) throws Refusal {
    PoolAndHost names = PoolAndHost.of(query);
    Optional<Duration> lease = query.positiveSeconds("lease");
    Optional<Duration> timeout = query.seconds("timeout");
    Target target = target(names);
    if (timeout.filter(Duration::isZero).isPresent()) {
      return yesOrNo(backend.tryAcquire(target.pool(), target.host(), lease));
    }
    CompletableFuture<Optional<Grant>> wait =
        backend.acquire(target.pool(), target.host(), lease, timeout);
    if (wait.isDone()) {
      return yesOrNo(wait.join());
    }
    parked.add(wait);
    wait.whenCompleteAsync(
        (granted, failure) -> {
          parked.remove(wait);
          answerParked(exchange, target, granted, failure);
        },
        answers);
    return null;
  }

  private void answerParked(
      HttpExchange exchange, Target target, Optional<Grant> granted, Throwable failure) {
    Answer answer;
    if (failure == null) {
      answer = yesOrNo(granted);
    } else {
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      answer =
          cause instanceof CancellationException || cause instanceof BackendClosedException
              ? Answer.text(503, "ERROR: server shutting down")
              : cause instanceof BackendUnavailableException
                  ? Answer.text(503, "ERROR: backend unavailable: " + cause.getMessage())
                  : Answer.text(500, "ERROR: internal error: " + cause);
    }
    try {
      answer.send(exchange, true);
    } catch (IOException gone) {
      // Nobody will ever learn of this grant: give the slot to the next waiter now.
      releaseUnanswered(target, granted);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void releaseUnanswered(Target target, Optional<Grant> granted) {
    if (granted != null && granted.isPresent()) {
      long token = granted.get().token();
      LOG.log(Level.INFO, "waiter {0} of pool {1} has gone; released its grant {2}",
          target.host(), target.pool(), token);
      backend.release(target.pool(), target.host(), OptionalLong.of(token));
    }
  }

  private Answer release(Query query) throws Refusal {
    PoolAndHost names = PoolAndHost.of(query);
    OptionalLong token = query.token();
    boolean force = query.flag("force");
    Target target = target(names);
    requireStrictToken(target, token);
    if (force) {
      throw Refusal.invalid(403, "force=1 needs the admin secret, and none is configured (auth.admin)");
    }
    Release outcome = backend.release(target.pool(), target.host(), token);
    return outcome == Release.TOKEN_MISMATCH ? Answer.text(409, "NO") : Answer.text(200, "OK");
  }

  private Answer renew(Query query) throws Refusal {
    PoolAndHost names = PoolAndHost.of(query);
    OptionalLong token = query.token();
    Target target = target(names);
    requireStrictToken(target, token);
    Optional<Grant> renewed = backend.renew(target.pool(), target.host(), token);
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

  /** The two names of a lock call as sent, present and well-formed. */
  private record PoolAndHost(String pool, String host) {
    static PoolAndHost of(Query query) throws Refusal {
      return new PoolAndHost(query.name("pool"), query.name("host"));
    }
  }

  /** A lock call's pool, known, and a host allowed to use it. */
  private record Target(Pool settings, String host) {
    String pool() {
      return settings.name();
    }
  }
}
