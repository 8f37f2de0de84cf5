package io.distributex.client;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Takes locks from a Distributex server over HTTP:
 *
 * <pre>{@code
 * try (DistributexClient client =
 *         DistributexClient.builder().server(URI.create("http://locks.example.com:9889/")).build();
 *     DistributedLock lock = client.lock("nightly-report")) {
 *   runReport(lock.token());
 * }
 * }</pre>
 *
 * <p>The server knows a client by its <em>identity</em> (the {@code host} of the protocol). A
 * host holds at most one slot of a pool, so the callers of one client take turns per pool, in the
 * order they asked, before they go to the server: two threads of one client never share a hold,
 * and one client holds at most one slot of a semaphore pool at a time (use one client per slot
 * you want to hold at once). By default every client has an identity of its own, so two clients
 * in one JVM are as separate as two machines.
 *
 * <p>Every method is thread-safe. A client is meant to live long and serve many threads: each has
 * its own HTTP connections and a timer thread that renews its locks (see {@link DistributedLock});
 * all its threads are daemon threads. {@link #close()} releases what the client still holds and
 * ends its threads.
 *
 * <p>Failures are {@link DistributexException}s carrying the server's sentence; "busy" is never an
 * exception but an empty {@code Optional} from the {@code tryLock} methods.
 */
public final class DistributexClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DistributexClient.class.getName());
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static final int MAX_NAME_BYTES = 255;

  private final String identity;
  private final Duration lease;
  private final Duration requestTimeout;
  private final Duration connectTimeout;
  private final Duration waitRefresh;
  private final int serverCount;
  private final Transport transport;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService events;
  private final ConcurrentHashMap<String, LocalTurns> turns = new ConcurrentHashMap<>();
  private final Set<Acquisition> pending = ConcurrentHashMap.newKeySet();
  private final Set<HeldLock> held = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private DistributexClient(Builder builder) {
    this.identity = builder.identity != null ? builder.identity : Identity.unique();
    this.lease = builder.lease;
    this.requestTimeout = builder.requestTimeout;
    this.connectTimeout = builder.connectTimeout;
    this.waitRefresh = builder.waitRefresh;
    this.serverCount = builder.servers.size();
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (builder.tls != null) {
      http.sslContext(builder.tls);
    }
    this.transport = new Transport(http.build(), builder.servers, builder.secret);
    int number = CLIENTS.incrementAndGet();
    this.scheduler =
        new ScheduledThreadPoolExecutor(1, daemon("distributex-client-" + number + "-timer"));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    ThreadPoolExecutor listeners =
        new ThreadPoolExecutor(
            1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("distributex-client-" + number + "-events"));
    listeners.allowCoreThreadTimeOut(true);
    this.events = listeners;
  }

  /** A builder; {@link Builder#server(URI)} is the one setting without a default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Waits in the pool's queue (first come, first served) until this client holds a slot.
   *
   * @throws InterruptedException when the thread is interrupted while waiting; the client has
   *     left the queue (and released a slot granted at that moment) before this is thrown
   * @throws DistributexException when the server refuses ({@link UnknownPoolException}, {@link
   *     NotAllowedException}, {@link AuthenticationException}) or cannot be reached ({@link
   *     ServerUnavailableException}); the wait is not resumed on its own
   * @throws IllegalArgumentException when {@code pool} is not a valid name (empty, over 255 bytes
   *     of UTF-8, control characters)
   * @throws IllegalStateException when the client is closed, also while waiting
   */
  public DistributedLock lock(String pool) throws InterruptedException {
    return await(begin(pool, null)).orElseThrow();
  }

  /**
   * Takes a slot if one is free now and nobody waits for it, without waiting; empty when the pool
   * is busy, also when another caller of this client holds or waits for this pool, or while the
   * client releases a grant of this pool that came after its caller had given up.
   *
   * @throws DistributexException when the server refuses or cannot be reached
   */
  public Optional<DistributedLock> tryLock(String pool) {
    Acquisition attempt = begin(pool, Duration.ZERO);
    try {
      return attempt.result().join().map(DistributedLock.class::cast);
    } catch (CompletionException failed) {
      throw rethrown(failed.getCause());
    }
  }

  /**
   * Waits at most {@code timeout} for a slot (in the client's turn for the pool, then in the
   * server's queue); empty when it ran out, in which case the client is no longer queued. A zero
   * timeout is {@link #tryLock(String)}.
   *
   * @throws InterruptedException as for {@link #lock(String)}
   * @throws IllegalArgumentException when {@code timeout} is negative
   */
  public Optional<DistributedLock> tryLock(String pool, Duration timeout) throws InterruptedException {
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    if (timeout.isZero()) {
      return tryLock(pool);
    }
    Duration bounded = timeout.compareTo(Transport.MAX_SECONDS) > 0 ? Transport.MAX_SECONDS : timeout;
    return await(begin(pool, bounded)).map(DistributedLock.class::cast);
  }

  /**
   * Like {@link #lock(String)}, without blocking a thread. Cancelling the future (or completing it
   * yourself) leaves the queue; a slot granted at that moment is released. Failures complete it
   * exceptionally with a {@link DistributexException}, or an {@link IllegalStateException} when
   * the client is closed meanwhile.
   */
  public CompletableFuture<DistributedLock> lockAsync(String pool) {
    Acquisition attempt = begin(pool, null);
    CompletableFuture<DistributedLock> future = new CompletableFuture<>();
    attempt
        .result()
        .whenComplete(
            (lock, error) -> {
              if (error != null) {
                future.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
              } else if (!future.complete(lock.orElseThrow())) {
                lock.get().close(); // The caller gave up at this very moment.
              }
            });
    future.whenComplete(
        (lock, error) -> {
          if (error != null) {
            attempt.cancel(new CancellationException("lockAsync's future was completed by its caller"));
          }
        });
    return future;
  }

  /** The name this client uses as {@code host} in every call. */
  public String identity() {
    return identity;
  }

  /**
   * Releases every lock this client still holds, leaves every queue it waits in (its waiting
   * callers get an {@link IllegalStateException}) and stops its threads. Idempotent; never throws
   * for an unreachable server.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Acquisition> waiting = new ArrayList<>(pending);
    waiting.forEach(attempt -> attempt.cancel(new IllegalStateException("the client was closed")));
    waiting.forEach(this::awaitSettled);
    new ArrayList<>(held).forEach(HeldLock::close);
    scheduler.shutdownNow();
    events.shutdown();
  }

  @Override
  public String toString() {
    return "DistributexClient[identity=" + identity + "]";
  }

  // ---- for the package ----

  private Acquisition begin(String pool, Duration wait) {
    checkName("pool", pool);
    checkOpen();
    Acquisition attempt = Acquisition.start(this, pool, wait);
    pending.add(attempt);
    attempt.settled().whenComplete((ignored, error) -> pending.remove(attempt));
    if (closed.get()) {
      attempt.cancel(new IllegalStateException("the client was closed"));
    }
    return attempt;
  }

  private Optional<HeldLock> await(Acquisition attempt) throws InterruptedException {
    try {
      return attempt.result().get();
    } catch (InterruptedException interrupted) {
      attempt.cancel(new CancellationException("interrupted"));
      awaitSettled(attempt);
      CompletableFuture<Optional<HeldLock>> result = attempt.result();
      if (result.isDone() && !result.isCompletedExceptionally()) {
        result.join().ifPresent(HeldLock::close); // Granted just before the interrupt.
      }
      throw interrupted;
    } catch (ExecutionException failed) {
      throw rethrown(failed.getCause());
    }
  }

  /** Waits, not interruptibly but bounded, until the attempt has left the server and its turn. */
  private void awaitSettled(Acquisition attempt) {
    long bound = connectTimeout.multipliedBy(2L * serverCount).plus(requestTimeout.multipliedBy(4)).toNanos();
    long until = System.nanoTime() + bound;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          attempt.settled().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
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

  private static RuntimeException rethrown(Throwable cause) {
    if (cause instanceof RuntimeException) {
      return (RuntimeException) cause;
    }
    if (cause instanceof Error) {
      throw (Error) cause;
    }
    return new DistributexException("unexpected failure: " + cause, cause);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the client is closed");
    }
  }

  LocalTurns turns(String pool) {
    return turns.computeIfAbsent(pool, name -> new LocalTurns());
  }

  Duration lease() {
    return lease;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  Duration waitRefresh() {
    return waitRefresh;
  }

  CompletableFuture<Reply> send(String call, String query, Duration timeout) {
    return transport.send(call, query, timeout);
  }

  /** The query of a lock call: pool, this client's host, then {@code extra} pairs (null: left out). */
  String lockQuery(String pool, String... extra) {
    String[] all = new String[4 + extra.length];
    all[0] = "pool";
    all[1] = pool;
    all[2] = "host";
    all[3] = identity;
    System.arraycopy(extra, 0, all, 4, extra.length);
    return Transport.query(all);
  }

  /** Runs {@code task} after {@code delayNanos}; null when the client has stopped its timer. */
  ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return scheduler.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      return null;
    }
  }

  ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long delay, long period, TimeUnit unit) {
    try {
      return scheduler.scheduleAtFixedRate(guarded(task), delay, period, unit);
    } catch (RejectedExecutionException stopped) {
      return null;
    }
  }

  /** A lock for a grant that arrived at {@code receivedNanos}; renewing as from then. */
  HeldLock held(String pool, Reply grant, long receivedNanos) {
    HeldLock lock = new HeldLock(this, pool, grant, receivedNanos);
    held.add(lock);
    lock.startRenewing();
    return lock;
  }

  /** Called once by a lock's close(), after the release: the next caller may go. */
  void released(HeldLock lock) {
    held.remove(lock);
    turns(lock.pool()).give();
  }

  /**
   * Frees a grant that arrived after its attempt had given up. The server is re-entrant, so its
   * token may well be that of a live caller of ours, which holds the pool or is being granted it
   * at this moment (its answer on the way): the release therefore waits for the pool's turn. Then
   * no caller of ours is inside, and one that had the token has released it already.
   */
  void releaseStray(String pool, long token) {
    LocalTurns turn = turns(pool);
    turn.take()
        .thenCompose(ours -> send("release/", lockQuery(pool, "token", Long.toString(token)), requestTimeout))
        .whenComplete(
            (reply, error) -> {
              turn.give();
              LOG.log(Level.DEBUG, "pool {0}: released stray grant {1}", pool, Long.toString(token));
            });
  }

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

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  static String checkName(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(what + " must be at most " + MAX_NAME_BYTES + " bytes of UTF-8: " + value);
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(what + " must not contain control characters");
      }
    }
    return value;
  }

  /**
   * The settings of a client. Only the server is required:
   *
   * <pre>{@code
   * DistributexClient client = DistributexClient.builder()
   *     .server(URI.create("http://locks.example.com:9889/"))
   *     .lease(Duration.ofSeconds(30))
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private List<URI> servers = List.of();
    private String identity;
    private Duration lease = Duration.ofSeconds(15);
    private String secret;
    private SSLContext tls;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration waitRefresh = Duration.ofSeconds(50);

    private Builder() {}

    /**
     * The server's base URI, like {@code http://locks.example.com:9889/}; calls are resolved
     * against it ({@code wait/}, {@code release/} ...), so a path prefix behind a proxy works.
     *
     * @throws IllegalArgumentException when it is not an absolute http or https URI with a host,
     *     or has a query or fragment
     */
    public Builder server(URI server) {
      return servers(List.of(server));
    }

    /**
     * Several servers sharing one backend (memcached): a call goes to the one that answered last
     * and moves on in list order when a server cannot be reached, does not answer within the
     * timeouts, or answers {@code 503}. Refusals ({@code INVALID}) are not retried elsewhere.
     * Servers with separate in-memory backends do not share locks: list one of them only.
     */
    public Builder servers(List<URI> servers) {
      if (servers == null || servers.isEmpty()) {
        throw new IllegalArgumentException("give at least one server URI");
      }
      List<URI> checked = new ArrayList<>();
      for (URI server : servers) {
        checked.add(checkServer(server));
      }
      this.servers = List.copyOf(checked);
      return this;
    }

    /**
     * The name the server knows this client by (the protocol's {@code host}). Default: this
     * machine's fully qualified name plus {@code #PID-N}, unique per client, so that two clients
     * never share a hold by accident. A pool whose {@code servers} list names hosts admits only
     * those exact names: use {@link #hostIdentity()} or the listed name then.
     *
     * @throws IllegalArgumentException when empty, over 255 bytes of UTF-8, or with control
     *     characters
     */
    public Builder identity(String identity) {
      this.identity = checkName("identity", identity);
      return this;
    }

    /**
     * Uses this machine's fully qualified host name, without suffix, as identity: the behaviour of
     * 0.7 clients and of the {@code distributex} command. Every client on this machine that does so
     * then shares its holds (a second {@code lock} of one pool is granted at once, with the same
     * token, and a release by one ends the hold of all).
     */
    public Builder hostIdentity() {
      this.identity = checkName("identity", Identity.hostName());
      return this;
    }

    /**
     * How long the server keeps a slot after the grant or the latest renewal (15 s by default);
     * the lock renews every third of it. A client that dies frees its slots within one lease. The
     * server shortens it to a pool's {@code expire} when that is shorter. Whole milliseconds,
     * rounded up.
     *
     * @throws IllegalArgumentException when not positive or longer than 999,999,999 s
     */
    public Builder lease(Duration lease) {
      if (lease == null || lease.isNegative() || lease.isZero() || lease.compareTo(Transport.MAX_SECONDS) > 0) {
        throw new IllegalArgumentException("lease must be positive and at most 999999999 s, got " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * The secret sent as {@code Authorization: Bearer SECRET} with every call, for servers with
     * {@code auth} configured. Without it no {@code Authorization} header is sent.
     *
     * @throws IllegalArgumentException when empty or containing control characters or spaces
     */
    public Builder secret(String secret) {
      if (secret == null || secret.isEmpty() || !secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("secret must be printable ASCII without spaces");
      }
      this.secret = secret;
      return this;
    }

    /**
     * For {@code https://} servers: trust exactly the certificates in {@code trusted} (a server's
     * self-signed certificate, or a private CA), instead of the JVM's default trust store.
     *
     * @throws IllegalArgumentException when the store cannot serve as a trust store
     */
    public Builder trustStore(KeyStore trusted) {
      try {
        TrustManagerFactory trust =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        this.tls = context;
      } catch (GeneralSecurityException unusable) {
        throw new IllegalArgumentException("trust store cannot be used: " + unusable.getMessage(), unusable);
      }
      return this;
    }

    /** How long to wait for a TCP connection to a server (5 s by default); then the next server. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connect timeout", timeout);
      return this;
    }

    /**
     * How long to wait for the answer of a call that does not wait for a slot ({@code get},
     * {@code release}, {@code renew}; 10 s by default), and how much longer than its own wait a
     * waiting call may take to be answered.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("request timeout", timeout);
      return this;
    }

    /**
     * How long one waiting request stays open before the client replaces it by a new one, which
     * takes over its place in the queue (50 s by default). Keep it below the idle timeout of every
     * proxy or load balancer between client and server (often 60 s).
     */
    public Builder waitRefresh(Duration interval) {
      this.waitRefresh = positive("wait refresh", interval);
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalStateException when no server was given
     */
    public DistributexClient build() {
      if (servers.isEmpty()) {
        throw new IllegalStateException("no server: call server(URI) first");
      }
      return new DistributexClient(this);
    }

    private static Duration positive(String what, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + value);
      }
      return value;
    }

    private static URI checkServer(URI server) {
      if (server == null) {
        throw new IllegalArgumentException("server URI must not be null");
      }
      String scheme = server.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("server URI must start with http:// or https://: " + server);
      }
      if (server.getHost() == null) {
        throw new IllegalArgumentException("server URI must name a host: " + server);
      }
      if (server.getRawQuery() != null || server.getRawFragment() != null) {
        throw new IllegalArgumentException("server URI must not have a query or fragment: " + server);
      }
      String path = server.getRawPath() == null || server.getRawPath().isEmpty() ? "/" : server.getRawPath();
      if (!path.endsWith("/")) {
        path = path + "/";
      }
      return URI.create(scheme.toLowerCase(java.util.Locale.ROOT) + "://" + server.getRawAuthority() + path);
    }
  }

  /** Default identities: the machine's name, looked up once per JVM, plus a per-client suffix. */
  static final class Identity {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static volatile String hostName;

    private Identity() {}

    static String unique() {
      String suffix = "#" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
      String host = hostName();
      while (host.getBytes(StandardCharsets.UTF_8).length + suffix.length() > MAX_NAME_BYTES) {
        host = host.substring(0, host.length() - 1);
      }
      return host + suffix;
    }

    static String hostName() {
      String name = hostName;
      if (name == null) {
        try {
          InetAddress local = InetAddress.getLocalHost();
          name = local.getCanonicalHostName();
          if (name == null || name.isEmpty()) {
            name = local.getHostName();
          }
        } catch (UnknownHostException | SecurityException unknown) {
          // No resolvable name for this machine: fall back to what the OS calls it.
          name = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        hostName = name;
      }
      return name;
    }
  }
}
