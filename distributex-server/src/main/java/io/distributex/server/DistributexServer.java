package io.distributex.server;

import static com.google.common.base.Preconditions.checkArgument;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.distributex.core.InMemoryBackend;
import io.distributex.core.LockBackend;
import io.distributex.core.LockListener;
import io.distributex.core.Pool;
import io.distributex.etcd.EtcdBackend;
import io.distributex.memcached.MemcachedBackend;
import io.distributex.server.config.BackendKind;
import io.distributex.server.config.DistributexConfig;
import io.distributex.server.config.EtcdConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * The Distributex HTTP lock server, embeddable in any JVM:
 *
 * <pre>{@code
 * try (DistributexServer server =
 *     DistributexServer.builder().config(ConfigLoader.load(path)).port(0).start()) {
 *   URI base = server.uri();   // http://127.0.0.1:PORT/
 *   ...
 * }
 * }</pre>
 *
 * <p>Built on {@code com.sun.net.httpserver}; HTTPS when the configuration has a {@code tls}
 * section. Waiting requests hold no thread, and a request being read never waits for one (see
 * {@code ServerThreads}): slow clients delay nobody else. Loading this class sets the JDK
 * server's connection cap, limits and timeouts unless already set (see {@code
 * HttpServerDefaults}, and docs/operations.md): the JDK reads them once, when the first {@code
 * HttpServer} of the JVM is created, so an application that creates its own HttpServer before
 * this class loads must set them itself.
 *
 * <p>Grants, releases, expiries and timeouts are counted for {@code /metrics} and logged only for
 * a backend the server makes from its configuration: it cannot listen to one given to {@link
 * Builder#backend}.
 */
public final class DistributexServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DistributexServer.class.getName());
  /** How long a waiter whose answer cannot be written may hold the answer of its releaser. */
  private static final Duration ANSWER_PATIENCE = Duration.ofMillis(100);

  static {
    HttpServerDefaults.apply();
  }

  private final HttpServer http;
  private final ExecutorService requests;
  private final ExecutorService answers;
  private final ScheduledExecutorService watch;
  private final LockHandler handler;
  private final LockBackend backend;
  private final boolean ownsBackend;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DistributexServer(Builder builder) throws IOException {
    DistributexConfig config = builder.config;
    SSLContext tls = config.tls().map(TlsContext::load).orElse(null);
    this.ownsBackend = builder.backend == null;
    Metrics metrics =
        new Metrics(
            ownsBackend
                ? config.pools().stream().map(Pool::name).toList()
                : List.copyOf(builder.backend.pools().keySet()));
    this.backend =
        ownsBackend ? backendFor(config, metrics.andThen(new EventLog())) : builder.backend;
    this.requests = ServerThreads.forRequests();
    this.answers = ServerThreads.forAnswers(builder.threads);
    this.watch = ServerThreads.forWatch();
    WaitersFirst waitersFirst = new WaitersFirst(answers, watch, ANSWER_PATIENCE);
    this.handler = new LockHandler(backend, answers, waitersFirst, new Access(config.auth()), metrics);
    try {
      InetSocketAddress address = new InetSocketAddress(builder.bind(), builder.port());
      if (tls == null) {
        http = HttpServer.create(address, 1024);
      } else {
        HttpsServer https = HttpsServer.create(address, 1024);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        http = https;
      }
    } catch (IOException | RuntimeException cannotListen) {
      requests.shutdownNow();
      answers.shutdownNow();
      watch.shutdownNow();
      if (ownsBackend) {
        backend.close();
      }
      throw cannotListen;
    }
    http.setExecutor(requests);
    http.createContext("/", handler);
    http.start();
    LOG.log(Level.INFO, () -> StartupSummary.of(config, backend, ownsBackend, uri()));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The address the server listens on, with the port it got (useful after port 0). */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  /**
   * Where to reach the server: {@code http://HOST:PORT/} ({@code https} with TLS), loopback when
   * it listens everywhere.
   */
  public URI uri() {
    InetSocketAddress address = address();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    String scheme = http instanceof HttpsServer ? "https" : "http";
    return URI.create(scheme + "://" + host + ":" + address.getPort() + "/");
  }

  /** The backend this server serves. */
  public LockBackend backend() {
    return backend;
  }

  /**
   * Stops the server: new calls are refused, every waiter is answered {@code 503 ERROR: server
   * shutting down} and leaves its queue, answers in flight get up to two seconds, then the
   * listener closes. A backend the server made from its configuration is closed first (which
   * answers its waiters at once, whatever its store does); one given to the builder stays open,
   * and its waiters cancel their waits.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    handler.refuseNewCalls();
    if (ownsBackend) {
      backend.close();
    } else {
      handler.cancelParked(answers);
    }
    try {
      handler.awaitAnswers(Duration.ofSeconds(2));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    // Not a delay: JDK 17 waits all of it when no exchange is in flight (fixed in JDK 21).
    http.stop(0);
    requests.shutdownNow();
    answers.shutdownNow();
    watch.shutdownNow();
    LOG.log(Level.INFO, "distributex stopped");
  }

  private static LockBackend backendFor(DistributexConfig config, LockListener listener) {
    if (config.backend() == BackendKind.MEMCACHE) {
      return MemcachedBackend.builder()
          .servers(
              config.memcacheServers().stream()
                  .map(address -> new InetSocketAddress(address.host(), address.port()))
                  .toList())
          .restoreWindow(config.memcacheRestoreWindow())
          .pools(config.pools())
          .maxWaiters(config.maxWaiters())
          .listener(listener)
          .build();
    }
    if (config.backend() == BackendKind.ETCD) {
      try {
        return etcdBackend(config.etcd().orElseThrow())
            .pools(config.pools())
            .maxWaiters(config.maxWaiters())
            .listener(listener)
            .build();
      } catch (IllegalArgumentException unusable) {
        // A certificate or key that cannot be read: a configuration error, stop before listening.
        throw new IllegalStateException("etcd: " + unusable.getMessage(), unusable);
      }
    }
    InMemoryBackend.Builder inMemory =
        InMemoryBackend.builder().pools(config.pools()).maxWaiters(config.maxWaiters()).listener(listener);
    config.journal().ifPresent(inMemory::journal);
    return inMemory.build();
  }

  private static EtcdBackend.Builder etcdBackend(EtcdConfig etcd) {
    EtcdBackend.Builder builder = EtcdBackend.builder().endpoints(etcd.endpoints()).prefix(etcd.prefix());
    etcd.username().ifPresent(user -> builder.credentials(user, etcd.password().orElseThrow()));
    etcd.cacert().ifPresent(builder::trustedCa);
    etcd.cert().ifPresent(cert -> builder.clientCertificate(cert, etcd.key().orElseThrow()));
    return builder;
  }

  /**
   * How to start a server: from a configuration (port, bind address, waiter limit, backend and
   * pools), optionally overriding the port and address, or around a backend of your own.
   */
  public static final class Builder {
    private DistributexConfig config = DistributexConfig.defaults();
    private LockBackend backend;
    private Integer port;
    private String bind;
    private int threads = 16;

    private Builder() {}

    /**
     * Port, address, waiter limit, backend, pools, auth and TLS; the built-in default when not
     * called.
     */
    public Builder config(DistributexConfig config) {
      this.config = config;
      return this;
    }

    /**
     * Serves {@code backend} instead of one made from the configuration; the server does not
     * close it. Its pools and waiter limit are then the backend's; auth and TLS still come from
     * the configuration.
     */
    public Builder backend(LockBackend backend) {
      this.backend = backend;
      return this;
    }

    /** The port, overriding the configuration's; 0 picks a free one. */
    public Builder port(int port) {
      checkArgument(port >= 0 && port <= 65535, "port must be 0 to 65535, got %s", port);
      this.port = port;
      return this;
    }

    /** The address to listen on, overriding the configuration's. */
    public Builder bind(String bind) {
      this.bind = bind;
      return this;
    }

    /**
     * Threads that write the answers of waiting requests (but for a grant by a release, which the
     * releasing request's thread answers); 16 by default. Requests are read and served on threads
     * of their own, one per request being read (never one per waiter).
     */
    public Builder threads(int threads) {
      checkArgument(threads >= 1, "threads must be at least 1, got %s", threads);
      this.threads = threads;
      return this;
    }

    /**
     * Starts listening.
     *
     * @throws UncheckedIOException when the address cannot be bound (in use, not local)
     * @throws IllegalStateException when the TLS keystore cannot be read
     */
    public DistributexServer start() {
      try {
        return new DistributexServer(this);
      } catch (IOException cannotListen) {
        throw new UncheckedIOException(
            "cannot listen on " + bind() + ":" + port() + ": " + cannotListen.getMessage(),
            cannotListen);
      }
    }

    private int port() {
      return port != null ? port : config.port();
    }

    private String bind() {
      return bind != null ? bind : config.bind();
    }
  }
}
