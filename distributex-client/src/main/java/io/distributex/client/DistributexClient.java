package io.distributex.client;

import java.net.URI;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;

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
 * <p>{@link #lockShared} and {@link #tryLockShared} take shared (read) holds: readers hold a pool
 * together, a writer ({@link #lock}) alone.
 *
 * <p>Besides locks, which renew themselves while held, a client takes {@link Lease}s: a slot for a
 * period of the caller's choosing, never renewed, as a job scheduler wants.
 *
 * <p>Failures are {@link DistributexException}s carrying the server's sentence; "busy" is never an
 * exception but an empty {@code Optional} from the {@code tryLock} and {@code tryLease} methods.
 */
public final class DistributexClient implements AutoCloseable {
  private final ClientSession session;

  private DistributexClient(ClientSession session) {
    this.session = session;
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
    return lock(pool, false);
  }

  /**
   * Takes a slot if one is free now and nobody waits for it, without waiting; empty when the pool
   * is busy, also when another caller of this client holds or waits for this pool, or while the
   * client releases a grant of this pool that came after its caller had given up.
   *
   * @throws DistributexException when the server refuses or cannot be reached
   */
  public Optional<DistributedLock> tryLock(String pool) {
    return tryLock(pool, false);
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
    return tryLock(pool, false, timeout);
  }

  /**
   * Like {@link #lock(String)}, without blocking a thread. Cancelling the future (or completing it
   * yourself) leaves the queue; a slot granted at that moment is released. Failures complete it
   * exceptionally with a {@link DistributexException}, or an {@link IllegalStateException} when
   * the client is closed meanwhile.
   */
  public CompletableFuture<DistributedLock> lockAsync(String pool) {
    return lockAsync(pool, false);
  }

  /**
   * Like {@link #lock(String)}, for a shared (read) hold: it coexists with the other shared
   * holders of the pool (up to its {@code maxshared}), never with an exclusive one. The queue is
   * first come, first served across both kinds, so a reader that asks after a waiting writer waits
   * for that writer. A client that holds the pool exclusively is refused with an {@link
   * InvalidRequestException} ({@code 409 INVALID}), and the other way round.
   *
   * @throws InterruptedException as for {@link #lock(String)}
   */
  public DistributedLock lockShared(String pool) throws InterruptedException {
    return lock(pool, true);
  }

  /** Like {@link #tryLock(String)}, for a shared hold (see {@link #lockShared}). */
  public Optional<DistributedLock> tryLockShared(String pool) {
    return tryLock(pool, true);
  }

  /** Like {@link #tryLock(String, Duration)}, for a shared hold (see {@link #lockShared}). */
  public Optional<DistributedLock> tryLockShared(String pool, Duration timeout)
      throws InterruptedException {
    return tryLock(pool, true, timeout);
  }

  /** Like {@link #lockAsync(String)}, for a shared hold (see {@link #lockShared}). */
  public CompletableFuture<DistributedLock> lockSharedAsync(String pool) {
    return lockAsync(pool, true);
  }

  private DistributedLock lock(String pool, boolean shared) throws InterruptedException {
    return await(session.acquire(pool, shared, null)).orElseThrow();
  }

  private Optional<DistributedLock> tryLock(String pool, boolean shared) {
    Acquisition acquisition = session.acquire(pool, shared, Duration.ZERO);
    try {
      return acquisition.result().join().map(DistributedLock.class::cast);
    } catch (CompletionException failed) {
      throw rethrown(failed.getCause());
    }
  }

  private Optional<DistributedLock> tryLock(String pool, boolean shared, Duration timeout)
      throws InterruptedException {
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    if (timeout.isZero()) {
      return tryLock(pool, shared);
    }
    Duration bounded = timeout.compareTo(Transport.MAX_SECONDS) > 0 ? Transport.MAX_SECONDS : timeout;
    return await(session.acquire(pool, shared, bounded)).map(DistributedLock.class::cast);
  }

  private CompletableFuture<DistributedLock> lockAsync(String pool, boolean shared) {
    Acquisition acquisition = session.acquire(pool, shared, null);
    CompletableFuture<DistributedLock> future = new CompletableFuture<>();
    acquisition
        .result()
        .whenComplete(
            (grant, error) -> {
              if (error != null) {
                future.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
              } else if (!future.complete(grant.orElseThrow())) {
                grant.get().close(); // The caller gave up at this very moment.
              }
            });
    future.whenComplete(
        (lock, error) -> {
          if (error != null) {
            acquisition.cancel(new CancellationException("lockAsync's future was completed by its caller"));
          }
        });
    return future;
  }

  /**
   * Takes a slot of {@code pool} now, if one is free and nobody waits, for {@code period} and no
   * longer: a {@link Lease}, which is not renewed in the background and is held under a host name
   * of its own (so two leases never share a hold, even from one client). Empty when the pool is
   * busy. Closing the client leaves its leases to end at their period.
   *
   * @throws DistributexException when the server refuses ({@link UnknownPoolException}, {@link
   *     NotAllowedException} also for a pool with a {@code servers} list or a client secret, {@link
   *     AuthenticationException}) or cannot be reached ({@link ServerUnavailableException})
   * @throws IllegalArgumentException when {@code pool} is not a valid name, or {@code period} is not
   *     positive or longer than 999,999,999 s
   * @throws IllegalStateException when the client is closed
   */
  public Optional<Lease> tryLease(String pool, Duration period) {
    return LeaseHold.take(session, pool, period);
  }

  /** The name this client uses as {@code host} in every call. */
  public String identity() {
    return session.identity();
  }

  /**
   * Releases every lock this client still holds, leaves every queue it waits in (its waiting
   * callers get an {@link IllegalStateException}) and stops its threads. Idempotent; never throws
   * for an unreachable server.
   */
  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "DistributexClient[identity=" + session.identity() + "]";
  }

  /**
   * Waits for {@code acquisition}'s lock. When interrupted it first makes it leave the queue, and
   * releases a slot granted at that moment, so an {@link InterruptedException} means nothing is
   * held or waited for.
   */
  private Optional<Grant> await(Acquisition acquisition) throws InterruptedException {
    try {
      return acquisition.result().get();
    } catch (InterruptedException interrupted) {
      acquisition.cancel(new CancellationException("interrupted"));
      session.awaitSettled(acquisition);
      CompletableFuture<Optional<Grant>> result = acquisition.result();
      if (result.isDone() && !result.isCompletedExceptionally()) {
        result.join().ifPresent(Grant::close); // Granted just before the interrupt.
      }
      throw interrupted;
    } catch (ExecutionException failed) {
      throw rethrown(failed.getCause());
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
    private ClientListener listener;
    private boolean plainSockets;

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
        checked.add(Transport.checkServer(server));
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
      this.identity = Transport.checkName("identity", identity);
      return this;
    }

    /**
     * Uses this machine's fully qualified host name, without suffix, as identity: the behaviour of
     * 0.7 clients and of the {@code distributex} command. Every client on this machine that does so
     * then shares its holds (a second {@code lock} of one pool is granted at once, with the same
     * token, and a release by one ends the hold of all).
     */
    public Builder hostIdentity() {
      this.identity = Transport.checkName("identity", Identity.hostName());
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
      this.lease = Transport.checkPeriod("lease", lease);
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
      this.tls = Transport.trusting(trusted);
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
     * Tells {@code listener} what this client's locks and leases go through (granted, released,
     * lost, renewals that failed), on the client's event thread: see {@link ClientListener}.
     */
    public Builder listener(ClientListener listener) {
      if (listener == null) {
        throw new IllegalArgumentException("listener must not be null");
      }
      this.listener = listener;
      return this;
    }

    /**
     * Calls over plain sockets, each open call (a wait in a queue) on a thread of its own, instead
     * of the JDK's {@code HttpClient}, which holds no thread per call but takes about 100 ms to
     * load and start: for a short-lived process that makes a few calls and exits, such as the
     * {@code distributex} command. The calls, their timeouts and failures are the same.
     */
    public Builder plainSockets() {
      this.plainSockets = true;
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
      Settings settings =
          new Settings(
              servers,
              identity != null ? identity : Identity.unique(),
              lease,
              secret,
              tls,
              connectTimeout,
              requestTimeout,
              waitRefresh,
              listener,
              plainSockets);
      return new DistributexClient(new ClientSession(settings));
    }

    private static Duration positive(String what, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + value);
      }
      return value;
    }
  }
}
