package io.distributex.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What the classes of this package share for one client: its identity and settings, the transport
 * to its servers, its timer and listener threads, the local turn of each pool, and the
 * acquisitions and grants still open, which closing the client ends. {@link DistributexClient} is
 * the public face of a session and holds nothing else.
 */
final class ClientSession {
  private static final LazyLogger LOG = new LazyLogger(ClientSession.class);
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final Settings settings;
  private final Transport transport;
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService events;
  private final ConcurrentHashMap<String, LocalTurns> turns = new ConcurrentHashMap<>();
  private final Set<Acquisition> acquisitions = ConcurrentHashMap.newKeySet();
  private final Set<Grant> grants = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger leases = new AtomicInteger();

  ClientSession(Settings settings) {
    this.settings = settings;
    HttpSender http =
        settings.plainSockets()
            ? new SocketHttpSender(settings.secret(), settings.tls(), settings.connectTimeout())
            : new JdkHttpSender(settings.secret(), settings.tls(), settings.connectTimeout());
    this.transport = new Transport(settings.servers(), http);
    int number = CLIENTS.incrementAndGet();
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("distributex-client-" + number + "-timer"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    ThreadPoolExecutor listeners =
        new ThreadPoolExecutor(
            1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("distributex-client-" + number + "-events"));
    listeners.allowCoreThreadTimeOut(true);
    this.events = listeners;
  }

  /** The name this client uses as {@code host} in every call. */
  String identity() {
    return settings.identity();
  }

  Duration lease() {
    return settings.lease();
  }

  Duration requestTimeout() {
    return settings.requestTimeout();
  }

  Duration waitRefresh() {
    return settings.waitRefresh();
  }

  /**
   * Starts acquiring a slot of {@code pool}, {@code shared} or exclusive, waiting at most {@code
   * wait} ({@code null}: as long as it takes; zero: not at all). The session ends it when it is closed meanwhile.
   *
   * @throws IllegalArgumentException when {@code pool} is not a valid name
   * @throws IllegalStateException when the session is closed
   */
  Acquisition acquire(String pool, boolean shared, Duration wait) {
    Transport.checkName("pool", pool);
    checkOpen();
    Acquisition acquisition = Acquisition.start(this, pool, shared, wait);
    acquisitions.add(acquisition);
    acquisition.settled().whenComplete((ignored, error) -> acquisitions.remove(acquisition));
    if (closed.get()) {
      // Closed while starting: close() may not have seen this one.
      acquisition.cancel(new IllegalStateException("the client was closed"));
    }
    return acquisition;
  }

  /**
   * Waits, not interruptibly but bounded, until {@code acquisition} has left the server and its
   * turn: at most twice every server's connect timeout and four request timeouts.
   */
  void awaitSettled(Acquisition acquisition) {
    long bound =
        settings.connectTimeout().multipliedBy(2L * settings.servers().size())
            .plus(settings.requestTimeout().multipliedBy(4))
            .toNanos();
    long until = System.nanoTime() + bound;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          acquisition.settled().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
          return;
        } catch (InterruptedException again) {
          interrupted = true;
        } catch (ExecutionException | TimeoutException gaveUp) {
          return; // settled with a failure, or the bound ran out: nothing more to wait for
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Ends every acquisition, releases every grant and stops the threads. Idempotent. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Acquisition> open = new ArrayList<>(acquisitions);
    open.forEach(acquisition -> acquisition.cancel(new IllegalStateException("the client was closed")));
    open.forEach(this::awaitSettled);
    new ArrayList<>(grants).forEach(Grant::close);
    timer.shutdownNow();
    events.shutdown();
  }

  /** Throws when the session is closed. */
  void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the client is closed");
    }
  }

  LocalTurns turns(String pool) {
    return turns.computeIfAbsent(pool, name -> new LocalTurns());
  }

  /** {@code /get/}: a slot of {@code pool} now, or {@code NO}. */
  CompletableFuture<Reply> get(String pool, boolean shared) {
    return send("get/", pool, requestTimeout(), "lease", Transport.seconds(lease()), "mode", mode(shared));
  }

  /**
   * {@code /wait/} in the queue of {@code pool} for at most {@code limit} seconds (null: no
   * limit), to be answered within {@code timeout}.
   */
  CompletableFuture<Reply> queue(String pool, boolean shared, String limit, Duration timeout) {
    return send(
        "wait/", pool, timeout, "lease", Transport.seconds(lease()), "timeout", limit, "mode", mode(shared));
  }

  /**
   * The {@code mode} parameter: {@code shared}, or none for an exclusive hold, so that exclusive
   * requests are the very requests of servers and clients before shared holds.
   */
  private static String mode(boolean shared) {
    return shared ? "shared" : null;
  }

  /** {@code /release/} of the grant with {@code token}; null: of this host's grant and place. */
  CompletableFuture<Reply> release(String pool, String token) {
    return send("release/", pool, requestTimeout(), "token", token);
  }

  /**
   * {@code /renew/} of the grant with {@code token} for another lease, to be answered within
   * {@code timeout}. The lease lets a server that lost the hold with its store (a memcached
   * restart) give it back for as long as this client asked for.
   */
  CompletableFuture<Reply> renew(String pool, long token, Duration timeout) {
    return send("renew/", pool, timeout, "token", Long.toString(token), "lease", Transport.seconds(lease()));
  }

  /** A host name of its own for a new lease: this client's identity plus {@code /N}. */
  String leaseHolder() {
    return Identity.suffixed(identity(), "/" + leases.incrementAndGet());
  }

  /** {@code /get/} as {@code host} (a lease's holder), for {@code lease}. */
  CompletableFuture<Reply> getAs(String host, String pool, Duration lease) {
    return sendAs(host, "get/", pool, requestTimeout(), "lease", Transport.seconds(lease));
  }

  /** {@code /renew/} as {@code host} (a lease's holder) of its grant {@code token}, for {@code lease}. */
  CompletableFuture<Reply> renewAs(String host, String pool, long token, Duration lease) {
    return sendAs(host, "renew/", pool, requestTimeout(), "token", Long.toString(token), "lease", Transport.seconds(lease));
  }

  /** {@code /release/} of whatever {@code host} holds of {@code pool}, answer left unread. */
  void releaseInBackground(String host, String pool) {
    sendAs(host, "release/", pool, requestTimeout());
  }

  /**
   * Releases {@code host}'s grant {@code token} of {@code pool} and waits for the answer; logs
   * instead of throwing, since the hold then ends by itself ({@code endsBy} says when, for the log).
   */
  void releaseQuietly(String host, String pool, long token, String endsBy) {
    String grant = Long.toString(token);
    try {
      Reply reply = sendAs(host, "release/", pool, requestTimeout(), "token", grant).join();
      if (reply.is(409, "NO")) {
        LOG.log(Level.DEBUG, "pool {0}: grant {1} had already ended when released", pool, grant);
      } else if (!reply.is(200, "OK")) {
        LOG.log(Level.WARNING, "pool {0}: release of grant {1} refused: {2}", pool, grant, reply.sentence());
      }
    } catch (CompletionException | DistributexException failed) {
      LOG.log(
          Level.WARNING,
          "pool {0}: could not release grant {1} ({2}); it ends by itself {3}",
          pool,
          grant,
          Transport.failure(failed).getMessage(),
          endsBy);
    }
  }

  private CompletableFuture<Reply> send(String call, String pool, Duration timeout, String... extra) {
    return sendAs(identity(), call, pool, timeout, extra);
  }

  /** Sends {@code call} for pool and {@code host}, then {@code extra} pairs (null: left out). */
  private CompletableFuture<Reply> sendAs(String host, String call, String pool, Duration timeout, String... extra) {
    String[] all = new String[4 + extra.length];
    all[0] = "pool";
    all[1] = pool;
    all[2] = "host";
    all[3] = host;
    System.arraycopy(extra, 0, all, 4, extra.length);
    return transport.send(call, Transport.query(all), timeout);
  }

  /** Runs {@code task} after {@code delayNanos}; null when the session has stopped its timer. */
  ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return timer.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      return null;
    }
  }

  ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long delay, long period, TimeUnit unit) {
    try {
      return timer.scheduleAtFixedRate(guarded(task), delay, period, unit);
    } catch (RejectedExecutionException stopped) {
      return null;
    }
  }

  /** Holds the grant {@code yes} brought at {@code arrivedNanos}: renews it as from then. */
  Grant hold(String pool, boolean shared, Reply yes, long askedNanos, long arrivedNanos) {
    Grant grant = new Grant(this, pool, shared, yes, arrivedNanos);
    tell(listener -> listener.acquired(pool, Duration.ofNanos(arrivedNanos - askedNanos)));
    grants.add(grant);
    grant.startRenewing();
    return grant;
  }

  /** Called once by a grant's close(), after the release: the next caller may go. */
  void released(Grant grant) {
    grants.remove(grant);
    turns(grant.pool()).give();
  }

  /** Tells the client's {@link ClientListener}, if it has one, about {@code event}: see runListener. */
  void tell(Consumer<ClientListener> event) {
    ClientListener listener = settings.listener();
    if (listener != null) {
      runListener(() -> event.accept(listener));
    }
  }

  /** Tells {@code listener} on the events thread, or on this one once the session is closing. */
  void runListener(Runnable listener) {
    Runnable guarded = guarded(listener);
    try {
      events.execute(guarded);
    } catch (RejectedExecutionException closing) {
      guarded.run(); // the client is closing: tell the listener on this thread instead
    }
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error bug) {
        // A failing timer task or listener must not stop the others.
        LOG.log(Level.ERROR, "distributex client task failed", bug);
      }
    };
  }

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
