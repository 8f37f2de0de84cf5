package io.distributex.server;

import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.server.config.AuthConfig;
import io.distributex.server.config.BackendKind;
import io.distributex.server.config.DistributexConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The configuration as the server logs it when it starts, in one line: where it listens, its
 * backend, its pools, who may call it. Names of clients appear, secrets and passwords never.
 */
final class StartupSummary {
  private StartupSummary() {}

  /**
   * The summary of a server at {@code uri} serving {@code backend}, which it made from {@code
   * config} when {@code configured} (else the backend is the embedder's own).
   */
  static String of(DistributexConfig config, LockBackend backend, boolean configured, URI uri) {
    List<String> parts = new ArrayList<>();
    parts.add("distributex serving " + uri);
    parts.add("backend " + backend(config, backend, configured));
    parts.add("maxwaiters " + (configured ? Integer.toString(config.maxWaiters()) : "the backend's"));
    parts.add("auth " + config.auth().map(StartupSummary::auth).orElse("off (every call open)"));
    parts.add(config.tls().map(tls -> "tls keystore " + tls.keystore()).orElse("tls off"));
    String pools =
        backend.pools().values().stream().map(StartupSummary::pool).collect(Collectors.joining(", "));
    parts.add(backend.pools().size() + " pools: " + pools);
    return String.join("; ", parts);
  }

  private static String backend(DistributexConfig config, LockBackend backend, boolean configured) {
    if (!configured) {
      return backend.getClass().getName();
    }
    String kind = config.backend().name().toLowerCase(Locale.ROOT);
    return switch (config.backend()) {
      case INMEMORY -> kind;
      case MEMCACHE -> kind + " " + config.memcacheServers().stream()
          .map(server -> server.host() + ":" + server.port())
          .collect(Collectors.joining(" "));
      case ETCD -> kind + " " + config.etcd().orElseThrow().endpoints().stream()
          .map(Object::toString)
          .collect(Collectors.joining(" ")) + " prefix " + config.etcd().orElseThrow().prefix();
    };
  }

  private static String auth(AuthConfig auth) {
    List<String> accepted = new ArrayList<>();
    auth.secret().ifPresent(secret -> accepted.add("shared secret"));
    if (!auth.clients().isEmpty()) {
      accepted.add("clients " + String.join(" ", auth.clients().keySet()));
    }
    auth.admin().ifPresent(secret -> accepted.add("admin secret"));
    return String.join(", ", accepted);
  }

  private static String pool(Pool pool) {
    return pool.name() + " (maxlocks " + pool.maxlocks()
        + ", expire " + (pool.expires() ? pool.expire().toSeconds() + " s" : "never")
        + (pool.strict() ? ", strict" : "")
        + (pool.allowedHosts().isEmpty() ? "" : ", hosts " + String.join(" ", pool.allowedHosts()))
        + ")";
  }
}
