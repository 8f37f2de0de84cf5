package io.distributex.server.config;

import io.distributex.core.Names;
import io.distributex.core.Pool;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Turns a composed configuration file into a {@link DistributexConfig}, section by section. */
final class ConfigReader {
  private static final List<String> TOP_KEYS =
      List.of(
          "port",
          "bind",
          "maxwaiters",
          "backend",
          "memcachehost",
          "memcacheport",
          "memcache",
          "etcd",
          "auth",
          "pools",
          "tls",
          "journal");
  private static final List<String> POOL_KEYS =
      List.of("name", "expire", "maxlocks", "maxshared", "servers", "strict", "lockdelay");
  private static final List<String> MEMCACHE_KEYS = List.of("servers", "restorewindow");
  private static final List<String> ETCD_KEYS =
      List.of("endpoints", "prefix", "username", "password", "cacert", "cert", "key");
  private static final List<String> AUTH_KEYS = List.of("secret", "clients", "admin");
  private static final List<String> TLS_KEYS = List.of("keystore", "password");

  private ConfigReader() {}

  /**
   * Reads the root of a configuration file.
   *
   * @param baseDir the directory a relative keystore, journal or secret file is resolved against
   * @param environment where secrets written as {@code {env: NAME}} come from ({@link SecretValue})
   */
  static DistributexConfig read(YamlValue root, Path baseDir, Map<String, String> environment)
      throws ConfigException {
    Map<String, YamlValue> settings = root.settings(TOP_KEYS);
    YamlValue port = settings.get("port");
    YamlValue bind = settings.get("bind");
    YamlValue maxWaiters = settings.get("maxwaiters");
    YamlValue backend = settings.get("backend");
    YamlValue auth = settings.get("auth");
    YamlValue tls = settings.get("tls");
    BackendKind backendKind = backend == null ? BackendKind.INMEMORY : backend(backend);
    return new DistributexConfig(
        port == null ? DistributexConfig.DEFAULT_PORT : port.integer(0, 65535),
        bind == null ? DistributexConfig.DEFAULT_BIND : name(bind, "bind address"),
        maxWaiters == null
            ? DistributexConfig.DEFAULT_MAX_WAITERS
            : maxWaiters.integer(1, Integer.MAX_VALUE),
        backendKind,
        memcacheServers(settings),
        restoreWindow(settings.get("memcache")),
        etcd(settings.get("etcd"), backendKind, backend, baseDir, environment),
        auth == null ? Optional.empty() : Optional.of(auth(auth, baseDir, environment)),
        tls == null ? Optional.empty() : Optional.of(tls(tls, baseDir, environment)),
        journal(settings.get("journal"), backendKind, baseDir),
        pools(root, settings.get("pools")));
  }

  /** The journal file, relative to the configuration's directory; only the in-memory backend has one. */
  private static Optional<Path> journal(YamlValue value, BackendKind backend, Path baseDir)
      throws ConfigException {
    if (value == null) {
      return Optional.empty();
    }
    if (backend != BackendKind.INMEMORY) {
      throw value.error(
          "only the inmemory backend keeps a journal (memcached and etcd hold the state themselves)");
    }
    String path = value.text();
    if (path.isEmpty()) {
      throw value.error("must not be empty");
    }
    try {
      return Optional.of(baseDir.resolve(path));
    } catch (InvalidPathException e) {
      throw value.error("not a valid path: " + e.getReason());
    }
  }

  private static BackendKind backend(YamlValue value) throws ConfigException {
    String text = value.text();
    return switch (text) {
      case "inmemory" -> BackendKind.INMEMORY;
      case "memcache", "memcached" -> BackendKind.MEMCACHE;
      case "etcd" -> BackendKind.ETCD;
      default ->
          throw value.error("unknown backend '" + text + "' (expected inmemory, memcache or etcd)");
    };
  }

  /** {@code memcache: restorewindow: S}, whole seconds; the default when absent. */
  private static Duration restoreWindow(YamlValue section) throws ConfigException {
    YamlValue window = section == null ? null : section.settings(MEMCACHE_KEYS).get("restorewindow");
    return window == null
        ? DistributexConfig.DEFAULT_RESTORE_WINDOW
        : Duration.ofSeconds(window.integer(0, Integer.MAX_VALUE));
  }

  private static List<MemcacheAddress> memcacheServers(Map<String, YamlValue> settings)
      throws ConfigException {
    YamlValue host = settings.get("memcachehost");
    YamlValue port = settings.get("memcacheport");
    YamlValue section = settings.get("memcache");
    if (section == null) {
      int portNumber = port == null ? MemcacheAddress.DEFAULT_PORT : port.integer(1, 65535);
      if (host == null) {
        return List.of(new MemcacheAddress(DistributexConfig.DEFAULT_MEMCACHE.host(), portNumber));
      }
      try {
        return List.of(new MemcacheAddress(host.text(), portNumber));
      } catch (IllegalArgumentException e) {
        throw host.error(e.getMessage());
      }
    }
    // the documented example gives both spellings: the list, the newer and fuller, wins.
    if (port != null) {
      port.integer(1, 65535);
    }
    YamlValue servers =
        required(
            section,
            section.settings(MEMCACHE_KEYS),
            "servers",
            "list the memcached servers as host:port");
    Set<MemcacheAddress> addresses = new LinkedHashSet<>();
    for (YamlValue item : servers.textItems()) {
      MemcacheAddress address;
      try {
        address = MemcacheAddress.parse(item.text());
      } catch (IllegalArgumentException e) {
        throw item.error(e.getMessage());
      }
      if (!addresses.add(address)) {
        throw item.error("duplicate server '" + address + "'");
      }
    }
    if (addresses.isEmpty()) {
      throw servers.error("at least one server is required");
    }
    return List.copyOf(addresses);
  }

  /** The etcd section: required by {@code backend: etcd}, checked (and unused) otherwise. */
  private static Optional<EtcdConfig> etcd(
      YamlValue value,
      BackendKind backend,
      YamlValue backendValue,
      Path baseDir,
      Map<String, String> environment)
      throws ConfigException {
    if (value == null) {
      if (backend == BackendKind.ETCD) {
        throw backendValue.error("backend etcd needs an etcd section listing its endpoints");
      }
      return Optional.empty();
    }
    Map<String, YamlValue> settings = value.settings(ETCD_KEYS);
    YamlValue endpointsValue =
        required(value, settings, "endpoints", "list the etcd members' client URLs, e.g. http://10.0.0.5:2379");
    Set<URI> endpoints = new LinkedHashSet<>();
    for (YamlValue item : endpointsValue.textItems()) {
      URI endpoint = endpoint(item);
      if (!endpoints.add(endpoint)) {
        throw item.error("duplicate endpoint '" + endpoint + "'");
      }
    }
    if (endpoints.isEmpty()) {
      throw endpointsValue.error("at least one endpoint is required");
    }
    YamlValue prefixValue = settings.get("prefix");
    String prefix = prefixValue == null ? EtcdConfig.DEFAULT_PREFIX : prefixValue.text();
    if (prefix.isEmpty()) {
      throw prefixValue.error("must not be empty (leave it out for " + EtcdConfig.DEFAULT_PREFIX + ")");
    }
    YamlValue username = settings.get("username");
    YamlValue password = settings.get("password");
    if ((username == null) != (password == null)) {
      throw value.missing(
          username == null ? "username" : "password", "missing: username and password go together");
    }
    YamlValue cert = settings.get("cert");
    YamlValue key = settings.get("key");
    if ((cert == null) != (key == null)) {
      throw value.missing(cert == null ? "cert" : "key", "missing: cert and key go together");
    }
    return Optional.of(
        new EtcdConfig(
            List.copyOf(endpoints),
            prefix,
            username == null ? Optional.empty() : Optional.of(nonEmpty(username)),
            password == null
                ? Optional.empty()
                : Optional.of(SecretValue.read(password, baseDir, environment)),
            file(settings.get("cacert"), baseDir),
            file(cert, baseDir),
            file(key, baseDir)));
  }

  private static URI endpoint(YamlValue item) throws ConfigException {
    String text = item.text();
    try {
      URI endpoint = new URI(text);
      if (("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
          && endpoint.getHost() != null
          && endpoint.getPort() > 0
          && (endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() || endpoint.getRawPath().equals("/"))) {
        return endpoint;
      }
    } catch (URISyntaxException malformed) {
      // Reported below, with what an endpoint looks like.
    }
    throw item.error("an etcd endpoint is http://HOST:PORT or https://HOST:PORT (got '" + text + "')");
  }

  private static String nonEmpty(YamlValue value) throws ConfigException {
    String text = value.text();
    if (text.isEmpty()) {
      throw value.error("must not be empty");
    }
    return text;
  }

  /** A file named in the configuration, relative to its directory. */
  private static Optional<Path> file(YamlValue value, Path baseDir) throws ConfigException {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(baseDir.resolve(nonEmpty(value)));
    } catch (InvalidPathException e) {
      throw value.error("not a valid path: " + e.getReason());
    }
  }

  private static AuthConfig auth(YamlValue value, Path baseDir, Map<String, String> environment)
      throws ConfigException {
    Map<String, YamlValue> settings = value.settings(AUTH_KEYS);
    Optional<String> secret = optionalSecret(settings.get("secret"), baseDir, environment);
    Optional<String> admin = optionalSecret(settings.get("admin"), baseDir, environment);
    Map<String, String> clients = new LinkedHashMap<>();
    YamlValue clientSection = settings.get("clients");
    if (clientSection != null) {
      for (Map.Entry<String, YamlValue> client : clientSection.entries().entrySet()) {
        YamlValue clientSecret = client.getValue();
        clientSecret.check(Names.problem("client name", client.getKey()));
        clients.put(client.getKey(), secret(clientSecret, baseDir, environment));
      }
    }
    if (secret.isEmpty() && clients.isEmpty() && admin.isEmpty()) {
      throw value.error("give a secret, clients or an admin secret (or leave auth out)");
    }
    return new AuthConfig(secret, clients, admin);
  }

  private static Optional<String> optionalSecret(
      YamlValue value, Path baseDir, Map<String, String> environment) throws ConfigException {
    return value == null ? Optional.empty() : Optional.of(secret(value, baseDir, environment));
  }

  private static String secret(YamlValue value, Path baseDir, Map<String, String> environment)
      throws ConfigException {
    String text = SecretValue.read(value, baseDir, environment);
    value.check(AuthConfig.problem("secret", text));
    return text;
  }

  private static TlsConfig tls(YamlValue value, Path baseDir, Map<String, String> environment)
      throws ConfigException {
    Map<String, YamlValue> settings = value.settings(TLS_KEYS);
    YamlValue keystore = required(value, settings, "keystore", "tls needs the keystore file");
    YamlValue password = required(value, settings, "password", "tls needs the keystore's password");
    String path = keystore.text();
    if (path.isEmpty()) {
      throw keystore.error("must not be empty");
    }
    try {
      return new TlsConfig(baseDir.resolve(path), SecretValue.read(password, baseDir, environment));
    } catch (InvalidPathException e) {
      throw keystore.error("not a valid path: " + e.getReason());
    }
  }

  private static List<Pool> pools(YamlValue root, YamlValue value) throws ConfigException {
    List<YamlValue> items = value == null ? List.of() : value.list();
    if (items.isEmpty()) {
      throw value == null
          ? root.missing("pools", "at least one pool is required")
          : value.error("at least one pool is required");
    }
    List<Pool> pools = new ArrayList<>();
    Map<String, Integer> firstLines = new HashMap<>();
    for (YamlValue item : items) {
      Map<String, YamlValue> settings = item.settings(POOL_KEYS);
      YamlValue nameValue = required(item, settings, "name", "every pool needs a name");
      String name = name(nameValue, "pool name");
      Integer first = firstLines.putIfAbsent(name, nameValue.line());
      if (first != null) {
        throw nameValue.error("duplicate pool '" + name + "' (first at line " + first + ")");
      }
      YamlValue expire = settings.get("expire");
      YamlValue maxlocks = settings.get("maxlocks");
      YamlValue strict = settings.get("strict");
      YamlValue lockDelay = settings.get("lockdelay");
      YamlValue maxShared = settings.get("maxshared");
      pools.add(
          new Pool(
              name,
              expire == null
                  ? Pool.DEFAULT_EXPIRE
                  : Duration.ofSeconds(expire.integer(0, Integer.MAX_VALUE)),
              maxlocks == null ? 1 : maxlocks.integer(1, Integer.MAX_VALUE),
              hosts(settings.get("servers")),
              strict != null && strict.bool(),
              lockDelay == null
                  ? Duration.ZERO
                  : Duration.ofSeconds(lockDelay.integer(0, Integer.MAX_VALUE)),
              maxShared == null
                  ? OptionalInt.empty()
                  : OptionalInt.of(maxShared.integer(1, Integer.MAX_VALUE))));
    }
    return pools;
  }

  /** A pool's allowed hosts; none (every host) when {@code servers} is left out. */
  private static Set<String> hosts(YamlValue value) throws ConfigException {
    Set<String> hosts = new LinkedHashSet<>();
    if (value == null) {
      return hosts;
    }
    for (YamlValue item : value.textItems()) {
      hosts.add(name(item, "host"));
    }
    if (hosts.isEmpty()) {
      throw value.error("must name at least one host (leave servers out to allow every host)");
    }
    return hosts;
  }

  /** Reads a value that follows the {@link Names} rule. */
  private static String name(YamlValue value, String what) throws ConfigException {
    String text = value.text();
    value.check(Names.problem(what, text));
    return text;
  }

  private static YamlValue required(
      YamlValue mapping, Map<String, YamlValue> settings, String key, String why)
      throws ConfigException {
    YamlValue value = settings.get(key);
    if (value == null) {
      throw mapping.missing(key, "missing: " + why);
    }
    return value;
  }
}
