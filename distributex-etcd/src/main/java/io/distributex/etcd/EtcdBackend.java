package io.distributex.etcd;

import static com.google.common.base.Preconditions.checkArgument;

import io.distributex.core.shared.SharedStateBackend;
import io.distributex.core.shared.SharedStoreBuilder;
import io.distributex.core.shared.SharedTiming;
import io.distributex.core.spi.BackendSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The backend that keeps every pool in an etcd cluster, so that any number of Distributex servers
 * are stateless front ends over replicated, durable state: one key per pool holds its holders, its
 * FIFO queue (of all servers) and its last token, and every change is a transaction that writes
 * only if the key's revision is still the one read, so two servers can never both grant the last
 * slot. etcd commits a write on a quorum of members and on disk before it answers, so the loss of
 * a minority of members, or a restart of all of them, loses no hold and no token. Each server
 * watches its pools' keys: a release on another server wakes a waiter here at once. Without a
 * quorum every call fails with {@link io.distributex.core.BackendUnavailableException} (never a
 * grant), and the backend recovers by itself.
 *
 * <pre>{@code
 * LockBackend backend = EtcdBackend.builder()
 *     .endpoints(List.of(URI.create("http://10.0.0.5:2379"), URI.create("http://10.0.0.6:2379")))
 *     .pools(List.of(Pool.mutex("pool1")))
 *     .build();
 * }</pre>
 */
public final class EtcdBackend extends SharedStateBackend {
  /**
   * The watch wakes waiters; the poll only renews this server's queue places and catches a change
   * a broken watch may have missed, so once a second is enough. etcd loses no value: no server
   * needs to re-read every pool to find one lost, nor to hold a restored pool closed.
   */
  private static final SharedTiming WATCHED = new SharedTiming(1_000, 10_000, 5_000, 0, 0);

  private EtcdBackend(EtcdStore store, BackendSettings settings, SharedTiming timing, Executor io) {
    super(store, settings, timing, io);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of an {@link EtcdBackend}: the etcd endpoints and the pools are required. */
  public static final class Builder extends SharedStoreBuilder<Builder> {
    private List<URI> endpoints = List.of();
    private String prefix = "/distributex/";
    private Optional<String> username = Optional.empty();
    private Optional<String> password = Optional.empty();
    private Optional<Path> trustedCa = Optional.empty();
    private Optional<Path> certificate = Optional.empty();
    private Optional<Path> key = Optional.empty();
    private Executor io;

    /** An operation may take 2 s; polls once a second besides the watch; 10 s stale, 5 s to confirm. */
    private Builder() {
      super(Duration.ofSeconds(2), WATCHED);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Where polls and deadlines talk to etcd; tests run them in the timer's thread. */
    Builder ioExecutor(Executor io) {
      this.io = io;
      return this;
    }

    /** The client URLs of the etcd members, e.g. {@code http://10.0.0.5:2379}. */
    public Builder endpoints(List<URI> endpoints) {
      for (URI endpoint : endpoints) {
        checkArgument(
            ("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                && endpoint.getHost() != null
                && endpoint.getPort() > 0,
            "an etcd endpoint is http://HOST:PORT or https://HOST:PORT (got '%s')",
            endpoint);
      }
      this.endpoints = List.copyOf(endpoints);
      return this;
    }

    /** The key prefix under which the pools live; {@code /distributex/} by default. */
    public Builder prefix(String prefix) {
      checkArgument(!prefix.isEmpty(), "the etcd prefix must not be empty");
      this.prefix = prefix;
      return this;
    }

    /** etcd's own authentication (a user with read and write access to the prefix). */
    public Builder credentials(String username, String password) {
      checkArgument(!username.isEmpty(), "the etcd user name must not be empty");
      this.username = Optional.of(username);
      this.password = Optional.of(password);
      return this;
    }

    /** TLS: the CA that signed the members' certificates (for {@code https} endpoints). */
    public Builder trustedCa(Path caCertificate) {
      this.trustedCa = Optional.of(readable(caCertificate));
      return this;
    }

    /** TLS client authentication: this server's certificate and its private key (PEM). */
    public Builder clientCertificate(Path certificate, Path key) {
      this.certificate = Optional.of(readable(certificate));
      this.key = Optional.of(readable(key));
      return this;
    }

    /** Connects lazily: a backend starts while etcd is down, and answers once it is up. */
    public EtcdBackend build() {
      checkArgument(!endpoints.isEmpty(), "at least one etcd endpoint is required");
      BackendSettings settings = settings();
      ClientSettings client =
          new ClientSettings(endpoints, username, password, trustedCa, certificate, key, operationTimeout());
      EtcdStore store = new EtcdStore(client::connect, prefix, operationTimeout().toMillis());
      return new EtcdBackend(store, settings, timing(), io);
    }

    private static Path readable(Path file) {
      checkArgument(Files.isReadable(file), "cannot read %s", file);
      return file;
    }
  }
}
