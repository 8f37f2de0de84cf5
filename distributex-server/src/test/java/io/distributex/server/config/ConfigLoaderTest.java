package io.distributex.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.Pool;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  /** Every key at once, both memcached spellings among them (the list wins). */
  private static final String DOCUMENTED_EXAMPLE =
      """
      port: 9889                 # optional; -p wins
      bind: 0.0.0.0              # optional
      maxwaiters: 10000          # optional: waiters held at once; beyond: 503 ERROR
      backend: inmemory          # inmemory (default) | memcache
      memcachehost: localhost    # 0.7 spelling, still accepted
      memcacheport: 11211
      memcache:                  # or a list of servers (consistent hashing)
        servers: [ "10.0.0.5:11211", "10.0.0.6:11211" ]
      auth:
        secret: change-me        # optional: clients send "Authorization: Bearer change-me"
        clients:                 # optional: per-client secrets; the client's name is its host
          web1: s3cret-1
        admin: adm1n-secret      # optional: may force-release
      pools:
        - name: pool1
          expire: 300            # seconds; default 1800; 0 = never
        - name: pool2
          expire: 300
          servers: acme1, acme2  # allowed hosts: comma string (0.7) or YAML list
        - name: builds
          maxlocks: 3
          strict: true           # release/renew must carry the holder's token
      tls:                       # optional: serve HTTPS
        keystore: /etc/distributex/keystore.p12
        password: changeit
      """;

  private static final List<Pool> EXAMPLE_POOLS =
      List.of(
          new Pool("pool1", Duration.ofSeconds(300), 1, Set.of(), false),
          new Pool("pool2", Duration.ofSeconds(300), 1, Set.of("acme1", "acme2"), false),
          new Pool("builds", Pool.DEFAULT_EXPIRE, 3, Set.of(), true));

  private static DistributexConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "t.yaml");
  }

  /** Asserts that {@code yaml} is refused with exactly {@code message}, on one line. */
  private static ConfigException assertRefused(String yaml, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertEquals(message, e.getMessage());
    assertSingleLine(e);
    return e;
  }

  private static void assertSingleLine(ConfigException e) {
    assertFalse(e.getMessage().matches("(?s).*[\\n\\r\\u0085\\u2028\\u2029].*"), e.getMessage());
  }

  private static String withoutLines(String text, String... prefixes) {
    return text.lines()
        .filter(line -> List.of(prefixes).stream().noneMatch(line::startsWith))
        .map(line -> line + "\n")
        .reduce("", String::concat);
  }

  @Test
  void protocolExampleWithMemcacheServersParsesToItsValues() throws ConfigException {
    DistributexConfig config =
        parse(withoutLines(DOCUMENTED_EXAMPLE, "memcachehost:", "memcacheport:"));

    assertEquals(9889, config.port());
    assertEquals("0.0.0.0", config.bind());
    assertEquals(10000, config.maxWaiters());
    assertEquals(BackendKind.INMEMORY, config.backend());
    assertEquals(
        List.of(new MemcacheAddress("10.0.0.5", 11211), new MemcacheAddress("10.0.0.6", 11211)),
        config.memcacheServers());
    assertEquals(
        Optional.of(
            new AuthConfig(
                Optional.of("change-me"), Map.of("web1", "s3cret-1"), Optional.of("adm1n-secret"))),
        config.auth());
    assertEquals(
        Optional.of(new TlsConfig(Path.of("/etc/distributex/keystore.p12"), "changeit")),
        config.tls());
    assertEquals(EXAMPLE_POOLS, config.pools());
  }

  @Test
  void protocolExampleWithTheOldMemcacheSpellingParsesToOneServer() throws ConfigException {
    DistributexConfig config = parse(withoutLines(DOCUMENTED_EXAMPLE, "memcache:", "  servers:"));

    assertEquals(List.of(new MemcacheAddress("localhost", 11211)), config.memcacheServers());
    assertEquals(EXAMPLE_POOLS, config.pools());
  }

  @Test
  void protocolExampleVerbatimTakesTheServerListOverTheOldSpelling() throws ConfigException {
    DistributexConfig config = parse(DOCUMENTED_EXAMPLE);

    assertEquals(
        List.of(new MemcacheAddress("10.0.0.5", 11211), new MemcacheAddress("10.0.0.6", 11211)),
        config.memcacheServers());
    assertEquals(EXAMPLE_POOLS, config.pools());
  }

  @Test
  void aFileWithOnlyPoolsTakesTheDefaults() throws ConfigException {
    DistributexConfig config = parse("pools:\n  - name: p\n");

    assertDefaultSettings(config);
    assertEquals(
        List.of(new Pool("p", Duration.ofSeconds(1800), 1, Set.of(), false)), config.pools());
  }

  @Test
  void builtInDefaultIsOneDefaultMutexInMemory() {
    DistributexConfig config = DistributexConfig.defaults();

    assertDefaultSettings(config);
    assertEquals(List.of(Pool.mutex("default")), config.pools());
    assertEquals(Optional.of(Pool.mutex("default")), config.pool("default"));
    assertEquals(Optional.empty(), config.pool("other"));
  }

  /** Everything but the pools is the default: port, bind, waiters, backend, memcache, auth, tls. */
  private static void assertDefaultSettings(DistributexConfig config) {
    assertEquals(9889, config.port());
    assertEquals("0.0.0.0", config.bind());
    assertEquals(10000, config.maxWaiters());
    assertEquals(BackendKind.INMEMORY, config.backend());
    assertEquals(List.of(new MemcacheAddress("localhost", 11211)), config.memcacheServers());
    assertEquals(Optional.empty(), config.auth());
    assertEquals(Optional.empty(), config.tls());
  }

  @Test
  void commandLineOverridesReplaceOnlyPortAndBind() {
    DistributexConfig config = DistributexConfig.defaults().withPort(0).withBind("127.0.0.1");

    assertEquals(0, config.port());
    assertEquals("127.0.0.1", config.bind());
    assertEquals(DistributexConfig.defaults().pools(), config.pools());
    assertThrows(IllegalArgumentException.class, () -> config.withPort(65536));
    assertThrows(IllegalArgumentException.class, () -> config.withBind(""));
  }

  @Test
  void constructorRefusesDuplicatePoolsNoPoolsAndNoWaiters() {
    DistributexConfig defaults = DistributexConfig.defaults();
    List<Pool> twice = List.of(Pool.mutex("a"), Pool.mutex("a"));

    assertThrows(IllegalArgumentException.class, () -> construct(1, twice));
    assertThrows(IllegalArgumentException.class, () -> construct(1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> construct(0, defaults.pools()));
  }

  /** The constructor's answer for the defaults, but {@code maxWaiters} and {@code pools}. */
  private static DistributexConfig construct(int maxWaiters, List<Pool> pools) {
    return new DistributexConfig(
        9889,
        "::",
        maxWaiters,
        BackendKind.INMEMORY,
        DistributexConfig.defaults().memcacheServers(),
        DistributexConfig.DEFAULT_RESTORE_WINDOW,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        pools);
  }

  @Test
  void shippedExampleFileLoads() throws ConfigException {
    DistributexConfig config = ConfigLoader.load(Path.of("../distributex.yaml"));

    assertEquals(9889, config.port());
    assertEquals(BackendKind.INMEMORY, config.backend());
    assertEquals(Optional.empty(), config.auth());
    assertEquals(Optional.empty(), config.tls());
    assertEquals(
        Optional.of(Path.of("../distributex.journal").toAbsolutePath().normalize()),
        config.journal().map(Path::normalize));
    assertEquals(
        List.of(
            new Pool("pool1", Duration.ofSeconds(300), 1, Set.of(), false),
            new Pool("pool2", Duration.ofSeconds(300), 1, Set.of(), false)),
        config.pools());
  }

  @Test
  void serversAsCommaStringAreTrimmedWithEmptyItemsDropped() throws ConfigException {
    DistributexConfig config = parse("pools:\n  - name: p\n    servers: ' acme1 ,, acme2,'\n");

    assertEquals(Set.of("acme1", "acme2"), config.pools().get(0).allowedHosts());
  }

  @Test
  void serversAsYamlListKeepTheirItems() throws ConfigException {
    DistributexConfig config =
        parse("pools:\n  - name: p\n    servers:\n      - acme1\n      - 'acme 2'\n      - 2024\n");

    assertEquals(Set.of("acme1", "acme 2", "2024"), config.pools().get(0).allowedHosts());
  }

  @Test
  void memcachedIsAnAliasAndServersMayBeACommaString() throws ConfigException {
    DistributexConfig config =
        parse("backend: memcached\nmemcache:\n  servers: 'a:1, [::1], b'\npools: [{name: p}]\n");

    assertEquals(BackendKind.MEMCACHE, config.backend());
    assertEquals(
        List.of(
            new MemcacheAddress("a", 1),
            new MemcacheAddress("::1", 11211),
            new MemcacheAddress("b", 11211)),
        config.memcacheServers());
    assertEquals(DistributexConfig.DEFAULT_RESTORE_WINDOW, config.memcacheRestoreWindow());
    assertEquals(
        Duration.ofSeconds(3),
        parse("backend: memcache\nmemcache:\n  servers: a\n  restorewindow: 3\npools: [{name: p}]\n")
            .memcacheRestoreWindow());
  }

  @Test
  void oldMemcacheSpellingTakesDefaultsForTheMissingHalf() throws ConfigException {
    assertEquals(
        List.of(new MemcacheAddress("localhost", 11311)),
        parse("memcacheport: 11311\npools: [{name: p}]\n").memcacheServers());
    assertEquals(
        List.of(new MemcacheAddress("cache1", 11211)),
        parse("memcachehost: cache1\npools: [{name: p}]\n").memcacheServers());
  }

  @Test
  void quotedAndNumericNamesAreText() throws ConfigException {
    DistributexConfig config =
        parse("bind: '::1'\npools:\n  - name: 2024\n  - name: 'yes'\n  - name: on\n");

    assertEquals("::1", config.bind());
    assertEquals(List.of("2024", "yes", "on"), config.pools().stream().map(Pool::name).toList());
  }

  @Test
  void expireZeroMeansNever() throws ConfigException {
    Pool pool = parse("pools:\n  - {name: p, expire: 0, strict: false}\n").pools().get(0);

    assertFalse(pool.expires());
    assertFalse(pool.strict());
  }

  @Test
  void authMayHaveOnlyClients() throws ConfigException {
    AuthConfig auth =
        parse("auth:\n  clients:\n    web1: a\n    web2: b\npools: [{name: p}]\n")
            .auth()
            .orElseThrow();

    assertEquals(Optional.empty(), auth.secret());
    assertEquals(List.of("web1", "web2"), List.copyOf(auth.clients().keySet()));
    assertEquals(Optional.empty(), auth.admin());
  }

  @Test
  void secretsNeverShowInToString() throws ConfigException {
    DistributexConfig config =
        parse(withoutLines(DOCUMENTED_EXAMPLE, "memcachehost:", "memcacheport:"));

    String shown = config.toString();
    assertTrue(shown.contains("web1"), shown);
    for (String secret : List.of("change-me", "s3cret-1", "adm1n-secret", "changeit")) {
      assertFalse(shown.contains(secret), shown);
    }
  }

  @Test
  void aJournalIsAFileRelativeToTheConfigurationsDirectory(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("j.yaml"), "journal: state/journal\npools: [{name: p}]\n");

    assertEquals(Optional.of(dir.resolve("state/journal").toAbsolutePath()), ConfigLoader.load(file).journal());
    assertEquals(Optional.empty(), parse("pools: [{name: p}]\n").journal());
  }

  @Test
  void aJournalIsRefusedWithTheMemcachedBackendOrWhenEmpty() {
    assertRefused(
        "backend: memcache\njournal: /var/lib/distributex/journal\npools: [{name: p}]\n",
        "t.yaml:2: journal: only the inmemory backend keeps a journal (memcached and etcd hold the"
            + " state themselves)");
    assertRefused(
        "backend: etcd\netcd: {endpoints: ['http://127.0.0.1:2379']}\njournal: /var/lib/j\npools: [{name: p}]\n",
        "t.yaml:3: journal: only the inmemory backend keeps a journal (memcached and etcd hold the"
            + " state themselves)");
    assertRefused("journal: ''\npools: [{name: p}]\n", "t.yaml:1: journal: must not be empty");
  }

  @Test
  void lockDelayIsWholeSecondsAndZeroByDefault() throws ConfigException {
    DistributexConfig config = parse("pools:\n  - name: p\n    lockdelay: 5\n  - name: q\n");
    assertEquals(Duration.ofSeconds(5), config.pools().get(0).lockDelay());
    assertEquals(Duration.ZERO, config.pools().get(1).lockDelay());
    ConfigException negative =
        assertThrows(ConfigException.class, () -> parse("pools:\n  - name: p\n    lockdelay: -1\n"));
    assertTrue(negative.getMessage().startsWith("t.yaml:3: pools[0].lockdelay: "), negative.getMessage());
  }

  @Test
  void loadResolvesARelativeKeystoreAgainstTheFilesDirectory(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("d.yaml"), "tls: {keystore: ks.p12, password: pw}\npools: [{name: p}]\n");

    assertEquals(
        dir.resolve("ks.p12").toAbsolutePath(),
        ConfigLoader.load(file).tls().orElseThrow().keystore());
    assertEquals(
        Path.of("ks.p12"),
        ConfigLoader.parse(Files.readString(file), "d.yaml").tls().orElseThrow().keystore());
  }

  // Errors: every one names file, line and key, on one line.

  @Test
  void unknownTopLevelKey() {
    ConfigException e =
        assertRefused(
            "port: 9889\npools: [{name: p}]\nbakend: memcache\n",
            "t.yaml:3: bakend: unknown key (known: port, bind, maxwaiters, backend, memcachehost,"
                + " memcacheport, memcache, etcd, auth, pools, tls, journal)");

    assertEquals("t.yaml", e.file());
    assertEquals(OptionalInt.of(3), e.line());
    assertEquals(Optional.of("bakend"), e.key());
  }

  @Test
  void unknownKeysInSections() {
    assertRefused(
        "pools:\n  - name: p\n    maxlock: 2\n",
        "t.yaml:3: pools[0].maxlock: unknown key (known: name, expire, maxlocks, maxshared, servers, strict, lockdelay)");
    assertRefused(
        "pools: [{name: p}]\nauth:\n  secret: s\n  admn: a\n",
        "t.yaml:4: auth.admn: unknown key (known: secret, clients, admin)");
    assertRefused(
        "pools: [{name: p}]\ntls:\n  keystore: k\n  pasword: a\n",
        "t.yaml:4: tls.pasword: unknown key (known: keystore, password)");
    assertRefused(
        "pools: [{name: p}]\nmemcache:\n  hosts: a\n",
        "t.yaml:3: memcache.hosts: unknown key (known: servers, restorewindow)");
  }

  @Test
  void duplicatePoolNamesBothLines() {
    assertRefused(
        "port: 9889\n"
            + "pools:\n"
            + "  - name: pool0\n"
            + "  - name: pool1\n"
            + "    expire: 300\n"
            + "  - name: pool2\n"
            + "    expire: 300\n\n"
            + "  - name: pool1\n",
        "t.yaml:9: pools[3].name: duplicate pool 'pool1' (first at line 4)");
  }

  @Test
  void duplicateKeyNamesBothLines() {
    assertRefused(
        "port: 1\npools: [{name: p}]\nport: 2\n",
        "t.yaml:3: port: duplicate key (first at line 1)");
    assertRefused(
        "pools:\n  - name: p\n    expire: 1\n    expire: 2\n",
        "t.yaml:4: pools[0].expire: duplicate key (first at line 3)");
  }

  @Test
  void negativeNumber() {
    assertRefused(
        "pools:\n  - name: p\n    expire: -5\n",
        "t.yaml:3: pools[0].expire: must be a non-negative integer (got '-5')");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5", "ten", "0x10", "010", "1_000", "1:30", ".inf", "true", "~"})
  void nonIntegerNumber(String value) {
    String message =
        value.equals("~")
            ? "has no value (expected a single value)"
            : "must be a non-negative integer (got '" + value + "')";
    assertRefused(
        "pools:\n  - name: p\n    maxlocks: " + value + "\n",
        "t.yaml:3: pools[0].maxlocks: " + message);
  }

  @Test
  void quotedNumberIsAString() {
    assertRefused(
        "port: '9889'\npools: [{name: p}]\n",
        "t.yaml:1: port: must be a non-negative integer (got the string '9889')");
  }

  @Test
  void maxsharedBoundsSharedHoldersAndIsUnboundedByDefault() throws Exception {
    DistributexConfig config = parse("pools:\n  - name: p\n    maxshared: 4\n  - name: q\n");
    assertEquals(java.util.OptionalInt.of(4), config.pools().get(0).maxShared());
    assertEquals(java.util.OptionalInt.empty(), config.pools().get(1).maxShared());
    assertRefused(
        "pools:\n  - name: p\n    maxshared: 0\n",
        "t.yaml:3: pools[0].maxshared: must be at least 1 (got 0)");
    assertRefused(
        "pools:\n  - name: p\n    maxshared: 1.5\n",
        "t.yaml:3: pools[0].maxshared: must be a non-negative integer (got '1.5')");
  }

  @Test
  void maxlocksBelowOne() {
    assertRefused(
        "pools:\n  - name: p\n  - name: q\n    maxlocks: 0\n",
        "t.yaml:4: pools[1].maxlocks: must be at least 1 (got 0)");
  }

  @Test
  void numbersOutOfRange() {
    assertRefused(
        "port: 65536\npools: [{name: p}]\n", "t.yaml:1: port: must be at most 65535 (got 65536)");
    assertRefused(
        "maxwaiters: 0\npools: [{name: p}]\n", "t.yaml:1: maxwaiters: must be at least 1 (got 0)");
    assertRefused(
        "memcacheport: 0\npools: [{name: p}]\n",
        "t.yaml:1: memcacheport: must be at least 1 (got 0)");
    assertRefused(
        "pools: [{name: p, expire: 99999999999999999999}]\n",
        "t.yaml:1: pools[0].expire: must be at most 2147483647 (got 99999999999999999999)");
  }

  @Test
  void unknownBackend() {
    assertRefused(
        "pools: [{name: p}]\nbackend: redis\n",
        "t.yaml:2: backend: unknown backend 'redis' (expected inmemory, memcache or etcd)");
  }

  @Test
  void theEtcdSectionParsesToItsValuesWithFilesRelativeToTheConfiguration() throws ConfigException {
    DistributexConfig config =
        parse(
            "backend: etcd\n"
                + "etcd:\n"
                + "  endpoints: [ \"http://10.0.0.5:2379\", \"https://10.0.0.6:2379\" ]\n"
                + "  prefix: /locks/\n"
                + "  username: dx\n"
                + "  password: s3cret\n"
                + "  cacert: ca.pem\n"
                + "  cert: /etc/dx/client.pem\n"
                + "  key: /etc/dx/client-key.pem\n"
                + "pools: [{name: p}]\n");
    EtcdConfig etcd = config.etcd().orElseThrow();
    assertEquals(BackendKind.ETCD, config.backend());
    assertEquals(List.of(URI.create("http://10.0.0.5:2379"), URI.create("https://10.0.0.6:2379")), etcd.endpoints());
    assertEquals("/locks/", etcd.prefix());
    assertEquals(Optional.of("dx"), etcd.username());
    assertEquals(Optional.of("s3cret"), etcd.password());
    assertTrue(etcd.cacert().orElseThrow().endsWith("ca.pem"));
    assertEquals(Optional.of(Path.of("/etc/dx/client.pem")), etcd.cert());
    assertFalse(config.toString().contains("s3cret"), config.toString());
    EtcdConfig plain =
        parse("backend: etcd\netcd:\n  endpoints: http://a:2379, http://b:2379\npools: [{name: p}]\n")
            .etcd().orElseThrow();
    assertEquals(EtcdConfig.DEFAULT_PREFIX, plain.prefix());
    assertEquals(2, plain.endpoints().size());
    assertEquals(Optional.empty(), plain.username());
  }

  @Test
  void badEtcdSections() {
    assertRefused(
        "backend: etcd\npools: [{name: p}]\n",
        "t.yaml:1: backend: backend etcd needs an etcd section listing its endpoints");
    assertRefused(
        "backend: etcd\netcd: {prefix: /x/}\npools: [{name: p}]\n",
        "t.yaml:2: etcd.endpoints: missing: list the etcd members' client URLs, e.g. http://10.0.0.5:2379");
    assertRefused(
        "backend: etcd\netcd:\n  endpoints:\n    - http://a:2379\n    - a:2379\npools: [{name: p}]\n",
        "t.yaml:5: etcd.endpoints[1]: an etcd endpoint is http://HOST:PORT or https://HOST:PORT (got 'a:2379')");
    assertRefused(
        "backend: etcd\netcd: {endpoints: 'http://a:2379, http://a:2379'}\npools: [{name: p}]\n",
        "t.yaml:2: etcd.endpoints: duplicate endpoint 'http://a:2379'");
    assertRefused(
        "backend: etcd\netcd: {endpoints: []}\npools: [{name: p}]\n",
        "t.yaml:2: etcd.endpoints: at least one endpoint is required");
    assertRefused(
        "backend: etcd\netcd: {endpoints: 'http://a:2379', username: dx}\npools: [{name: p}]\n",
        "t.yaml:2: etcd.password: missing: username and password go together");
    assertRefused(
        "backend: etcd\netcd: {endpoints: 'http://a:2379', key: k.pem}\npools: [{name: p}]\n",
        "t.yaml:2: etcd.cert: missing: cert and key go together");
    assertRefused(
        "backend: etcd\netcd:\n  endpoints: 'http://a:2379'\n  prefix: ''\npools: [{name: p}]\n",
        "t.yaml:4: etcd.prefix: must not be empty (leave it out for /distributex/)");
    assertRefused(
        "backend: etcd\netcd:\n  endpoints: 'http://a:2379'\n  tls: on\npools: [{name: p}]\n",
        "t.yaml:4: etcd.tls: unknown key (known: endpoints, prefix, username, password, cacert, cert, key)");
  }

  @Test
  void missingFile() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("nope.yaml")));

    assertEquals("nope.yaml: file not found", e.getMessage());
    assertEquals(OptionalInt.empty(), e.line());
    assertEquals(Optional.empty(), e.key());
  }

  @Test
  void unreadableFiles(@TempDir Path dir) throws IOException {
    Path latin1 =
        Files.write(
            dir.resolve("l.yaml"),
            "pools: [{name: caf\u00e9}]\n".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(
        latin1 + ": file is not valid UTF-8",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1)).getMessage());

    Path huge = Files.writeString(dir.resolve("h.yaml"), "#".repeat(ConfigLoader.MAX_CHARS + 1));
    assertEquals(
        huge + ": file is too large (more than 1048576 characters)",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(huge)).getMessage());
  }

  @Test
  void wrongTypes() {
    assertRefused(
        "pools: {pool1: {expire: 300}}\n", "t.yaml:1: pools: must be a list, not a mapping");
    assertRefused(
        "port: [9889]\npools: [{name: p}]\n", "t.yaml:1: port: must be a single value, not a list");
    assertRefused(
        "pools: [{name: p}]\nauth: change-me\n",
        "t.yaml:2: auth: must be a mapping (key: value lines), not 'change-me'");
    assertRefused(
        "pools:\n  - p1\n", "t.yaml:2: pools[0]: must be a mapping (key: value lines), not 'p1'");
    assertRefused(
        "pools:\n  - name: p\n    servers: [a, [b]]\n",
        "t.yaml:3: pools[0].servers[1]: must be a single value, not a list");
    assertRefused(
        "pools:\n  - name: p\n    strict: yes\n",
        "t.yaml:3: pools[0].strict: must be true or false (got 'yes')");
    assertRefused(
        "- pools\n", "t.yaml:1: the file must be a mapping (key: value lines), not a list");
    assertRefused(
        "pools: [{name: p}]\n[a]: 1\n", "t.yaml:2: a key must be a plain name, not a list");
  }

  @Test
  void emptyValues() {
    assertRefused(
        "port:\npools: [{name: p}]\n", "t.yaml:1: port: has no value (expected a single value)");
    assertRefused(
        "pools: [{name: p}]\ntls:\n",
        "t.yaml:2: tls: has no value (expected a mapping (key: value lines))");
    assertRefused(
        "pools:\n  - name: p\n    servers:\n",
        "t.yaml:3: pools[0].servers: has no value (expected a single value)");
  }

  @Test
  void syntaxError() {
    assertRefused(
        "port: 9889\n bind: x\npools: [{name: p}]\n",
        "t.yaml:2: invalid YAML: mapping values are not allowed here");
    assertRefused(
        "pools: [{name: p}\n",
        "t.yaml:2: invalid YAML: while parsing a flow sequence, expected ',' or ']', but got"
            + " <stream end>");
    assertRefused(
        "pools: [{name: p}]\n---\nport: 1\n",
        "t.yaml:2: invalid YAML: expected a single document in the stream, but found another"
            + " document");
  }

  @Test
  void forbiddenCharacterNamesItsLine() {
    assertRefused(
        "pools: [{name: p}]\r\n\r\nbind: \"a\u0001\"\n",
        "t.yaml:3: invalid YAML: character U+0001 is not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "# only a comment\n", "---\n", "~\n"})
  void emptyFile(String text) {
    assertRefused(text, "t.yaml:1: file is empty");
  }

  @Test
  void poolsMissingOrEmpty() {
    assertRefused("port: 9889\n", "t.yaml: pools: at least one pool is required");
    assertRefused("port: 9889\npools: []\n", "t.yaml:2: pools: at least one pool is required");
    assertRefused(
        "pools:\n  - expire: 3\n", "t.yaml:2: pools[0].name: missing: every pool needs a name");
  }

  @Test
  void badNames() {
    assertRefused("pools:\n  - name: ''\n", "t.yaml:2: pools[0].name: pool name must not be empty");
    assertRefused(
        "pools:\n  - name: p\n    servers: ok, " + "h".repeat(256) + "\n",
        "t.yaml:3: pools[0].servers: host must be at most 255 bytes");
    assertRefused(
        "pools:\n  - name: p\n    servers:\n      - ok\n      - \"tab\\there\"\n",
        "t.yaml:5: pools[0].servers[1]: host must not contain control characters");
    assertRefused(
        "pools:\n  - name: p\n    servers: ' , '\n",
        "t.yaml:3: pools[0].servers: must name at least one host (leave servers out to allow every"
            + " host)");
  }

  @Test
  void badMemcacheServers() {
    assertRefused(
        "pools: [{name: p}]\nmemcache:\n  servers:\n    - a:1\n    - 'b:x'\n",
        "t.yaml:5: memcache.servers[1]: memcache server must be host or host:port (got 'b:x')");
    assertRefused(
        "pools: [{name: p}]\nmemcache:\n  servers: a:1, a:1\n",
        "t.yaml:3: memcache.servers: duplicate server 'a:1'");
    assertRefused(
        "pools: [{name: p}]\nmemcache:\n  servers: []\n",
        "t.yaml:3: memcache.servers: at least one server is required");
    assertRefused(
        "pools: [{name: p}]\nmemcache:\n  servers: a\n  restorewindow: -1\n",
        "t.yaml:4: memcache.restorewindow: must be a non-negative integer (got '-1')");
    assertRefused(
        "pools: [{name: p}]\nmemcache: {}\n",
        "t.yaml:2: memcache.servers: missing: list the memcached servers as host:port");
    assertRefused(
        "pools: [{name: p}]\nmemcachehost: 10.0.0.5:11211\n",
        "t.yaml:2: memcachehost: memcache host must be a host name or an IP address (got"
            + " '10.0.0.5:11211')");
  }

  @Test
  void badAuthAndTls() {
    assertRefused(
        "pools: [{name: p}]\nauth: {}\n",
        "t.yaml:2: auth: give a secret, clients or an admin secret (or leave auth out)");
    assertRefused(
        "pools: [{name: p}]\nauth:\n  secret: ''\n",
        "t.yaml:3: auth.secret: secret must not be empty");
    assertRefused(
        "pools: [{name: p}]\nauth:\n  clients:\n    web1: a\n    web1: b\n",
        "t.yaml:5: auth.clients.web1: duplicate key (first at line 4)");
    assertRefused(
        "pools: [{name: p}]\ntls:\n  keystore: k.p12\n",
        "t.yaml:2: tls.password: missing: tls needs the keystore's password");
    assertRefused(
        "pools: [{name: p}]\ntls: {keystore: '', password: x}\n",
        "t.yaml:2: tls.keystore: must not be empty");
  }

  @Test
  void valuesShownInMessagesStayOnOneLineAndShort() {
    ConfigException e =
        assertRefused(
            "pools: [{name: p}]\nbackend: \"mem\\ncache\"\n",
            "t.yaml:2: backend: unknown backend 'mem\\ncache' (expected inmemory, memcache or etcd)");
    assertEquals("unknown backend 'mem\ncache' (expected inmemory, memcache or etcd)", e.problem());

    String message =
        assertThrows(
                ConfigException.class,
                () -> parse("pools: [{name: p, maxlocks: " + "x".repeat(500) + "}]\n"))
            .getMessage();
    assertEquals(
        "t.yaml:1: pools[0].maxlocks: must be a non-negative integer (got '"
            + "x".repeat(60)
            + "...')",
        message);
  }

  /** {@code count} pools that share one list of hosts through an alias. */
  private static String poolsSharingHosts(int count) {
    StringBuilder yaml = new StringBuilder("pools:\n  - {name: p0, servers: &hosts [a, b]}\n");
    for (int i = 1; i <= count; i++) {
      yaml.append("  - {name: p").append(i).append(", servers: *hosts}\n");
    }
    return yaml.toString();
  }

  @Test
  void aliasesWorkButAreBounded() throws ConfigException {
    assertEquals(Set.of("a", "b"), parse(poolsSharingHosts(20)).pools().get(20).allowedHosts());
    assertRefused(
        poolsSharingHosts(21),
        "t.yaml: invalid YAML: Number of aliases for non-scalar nodes exceeds the specified"
            + " max=20");
  }

  @Test
  void nestingIsBounded() {
    assertRefused(
        "pools: " + "[".repeat(30) + "]".repeat(30) + "\n",
        "t.yaml: invalid YAML: Nesting Depth exceeded max 20");
  }

  @Test
  void byteOrderMarkIsIgnored() throws ConfigException {
    assertEquals("p", parse("\ufeffpools: [{name: p}]\n").pools().get(0).name());
  }

  @Test
  void localTagsAreRefused() {
    assertRefused(
        "pools: [{name: p}]\ntls:\n  keystore: k.p12\n  password: !env KS_PASS\n",
        "t.yaml:4: tls.password: YAML tags such as '!env' are not supported");
  }

  @Test
  void memcacheAddressParsing() {
    assertEquals(new MemcacheAddress("10.0.0.5", 11211), MemcacheAddress.parse("10.0.0.5:11211"));
    assertEquals(new MemcacheAddress("cache", 11211), MemcacheAddress.parse(" cache "));
    assertEquals(new MemcacheAddress("::1", 11212), MemcacheAddress.parse("[::1]:11212"));
    assertEquals("[::1]:11212", MemcacheAddress.parse("[::1]:11212").toString());
    assertEquals("cache:11211", MemcacheAddress.parse("cache").toString());
    for (String bad : List.of("", "a:b", "a:0", "a:65536", "[::1", "a b:1", "10.0.0.5:1:2")) {
      assertThrows(IllegalArgumentException.class, () -> MemcacheAddress.parse(bad), bad);
    }
  }
}
