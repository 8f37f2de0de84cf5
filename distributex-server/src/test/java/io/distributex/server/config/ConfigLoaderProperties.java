package io.distributex.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.CharMatcher;
import io.distributex.core.Names;
import io.distributex.core.Pool;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ConfigLoaderProperties {
  /** A valid file with every key, for the mutation fuzz. */
  private static final String VALID =
      """
      port: 9889
      bind: 0.0.0.0
      maxwaiters: 10000
      backend: memcache
      memcache:
        servers: [ "10.0.0.5:11211", "[::1]:11212" ]
      auth:
        secret: change-me
        clients:
          web1: s3cret-1
        admin: adm1n-secret
      pools:
        - name: pool1
          expire: 300
        - name: pool2
          servers: acme1, acme2
        - name: builds
          maxlocks: 3
          strict: true
          servers:
            - b1
            - b2
      tls:
        keystore: /etc/distributex/keystore.p12
        password: changeit
      """;

  /** Pieces of YAML and of this configuration, so random text gets past the first character. */
  private static final List<String> TOKENS =
      List.of(
          "pools",
          "name",
          "expire",
          "maxlocks",
          "servers",
          "strict",
          "port",
          "auth",
          "secret",
          "clients",
          "tls",
          "keystore",
          "memcache",
          "backend",
          "memcachehost",
          ":",
          ": ",
          " ",
          "  ",
          "\n",
          "\r\n",
          "\t",
          "- ",
          "-",
          "[",
          "]",
          "{",
          "}",
          ",",
          "'",
          "\"",
          "#",
          "&a ",
          "*a",
          "!!int ",
          "!!str ",
          "!foo ",
          "<<: ",
          "? ",
          "|",
          ">",
          "---",
          "...",
          "%YAML 1.1\n",
          "~",
          "null",
          "true",
          "yes",
          "300",
          "0",
          "-1",
          "1.5",
          "0x1F",
          "99999999999999999999",
          "p",
          "acme1, acme2",
          "\\",
          "\u0001",
          "\u00e9",
          "\ud83d\ude00",
          "\u2028");

  private static void assertLoadsOrIsRefusedCleanly(String text) {
    try {
      ConfigLoader.parse(text, "f.yaml");
    } catch (ConfigException e) {
      String message = e.getMessage();
      assertTrue(message.startsWith("f.yaml:") || message.startsWith("f.yaml: "), message);
      assertFalse(message.matches("(?s).*[\\n\\r\\u0085\\u2028\\u2029].*"), message);
      int lines =
          1
              + (int)
                  text.codePoints()
                      .filter(c -> c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029)
                      .count()
              + (int) text.replace("\r\n", "\n").chars().filter(c -> c == '\r').count();
      e.line().ifPresent(line -> assertTrue(line >= 1 && line <= lines, message));
    }
  }

  @Property(tries = 200)
  void renderedPoolsLoadBack(
      @ForAll("pools") List<Pool> pools, @ForAll boolean terse, @ForAll boolean commaServers)
      throws ConfigException {
    String yaml = render(pools, terse, commaServers);

    assertEquals(pools, ConfigLoader.parse(yaml, "p.yaml").pools(), yaml);
  }

  @Property(tries = 200)
  void badCountsAreRefusedAtTheirLine(
      @ForAll("notACount") String value,
      @ForAll @IntRange(max = 5) int linesBefore,
      @ForAll boolean maxlocks) {
    String key = maxlocks ? "maxlocks" : "expire";
    String yaml =
        "# comment\n".repeat(linesBefore) + "pools:\n  - name: p\n    " + key + ": " + value + "\n";

    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "p.yaml"));
    assertEquals(OptionalInt.of(linesBefore + 3), e.line(), e.getMessage());
    assertEquals(Optional.of("pools[0]." + key), e.key(), e.getMessage());
  }

  @Property(tries = 200)
  void arbitraryTextLoadsOrIsRefusedCleanly(@ForAll("yamlish") String text) {
    assertLoadsOrIsRefusedCleanly(text);
  }

  @Property(tries = 200)
  void mutatedValidFileLoadsOrIsRefusedCleanly(@ForAll("edits") List<Edit> edits) {
    StringBuilder text = new StringBuilder(VALID);
    for (Edit edit : edits) {
      int at = edit.position() % (text.length() + 1);
      text.replace(at, Math.min(text.length(), at + edit.delete()), edit.insert());
    }
    assertLoadsOrIsRefusedCleanly(text.toString());
  }

  /**
   * Replace {@code delete} characters at {@code position} (modulo the length) with {@code insert}.
   */
  record Edit(int position, int delete, String insert) {}

  @Provide
  Arbitrary<List<Pool>> pools() {
    Arbitrary<String> name =
        Arbitraries.strings()
            .all()
            .ofMinLength(1)
            .ofMaxLength(20)
            .filter(s -> Names.problem("name", s).isEmpty());
    Arbitrary<Pool> pool =
        Combinators.combine(
                name,
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(1, Integer.MAX_VALUE),
                name.set().ofMaxSize(4),
                Arbitraries.of(true, false))
            .as(
                (n, expire, maxlocks, servers, strict) ->
                    new Pool(n, Duration.ofSeconds(expire), maxlocks, servers, strict));
    return pool.list().ofMinSize(1).ofMaxSize(5).uniqueElements(Pool::name);
  }

  @Provide
  Arbitrary<String> notACount() {
    return Arbitraries.oneOf(
        Arbitraries.longs().lessOrEqual(-1).map(String::valueOf),
        Combinators.combine(
                Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 99))
            .as((whole, fraction) -> whole + "." + fraction),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
        Arbitraries.integers().between(1, 1000).map(n -> "'" + n + "'"),
        Arbitraries.bigIntegers()
            .greaterOrEqual(BigInteger.valueOf(Integer.MAX_VALUE).add(BigInteger.ONE))
            .map(String::valueOf));
  }

  @Provide
  Arbitrary<String> yamlish() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(100),
        Arbitraries.of(TOKENS).list().ofMaxSize(60).map(tokens -> String.join("", tokens)));
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<String> insert =
        Arbitraries.of(TOKENS).list().ofMaxSize(3).map(tokens -> String.join("", tokens));
    return Combinators.combine(
            Arbitraries.integers().between(0, VALID.length()),
            Arbitraries.integers().between(0, 12),
            insert)
        .as(Edit::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(5);
  }

  /**
   * Renders pools as a configuration file; {@code terse} leaves out the values that are defaults.
   */
  private static String render(List<Pool> pools, boolean terse, boolean commaServers) {
    StringBuilder yaml = new StringBuilder("pools:\n");
    for (Pool pool : pools) {
      yaml.append("  - name: ").append(quoted(pool.name())).append('\n');
      if (!terse || !pool.expire().equals(Pool.DEFAULT_EXPIRE)) {
        yaml.append("    expire: ").append(pool.expire().toSeconds()).append('\n');
      }
      if (!terse || pool.maxlocks() != 1) {
        yaml.append("    maxlocks: ").append(pool.maxlocks()).append('\n');
      }
      if (!terse || pool.strict()) {
        yaml.append("    strict: ").append(pool.strict()).append('\n');
      }
      if (!pool.allowedHosts().isEmpty()) {
        boolean commaSafe =
            pool.allowedHosts().stream()
                .allMatch(h -> !h.contains(",") && CharMatcher.whitespace().trimFrom(h).equals(h));
        if (commaServers && commaSafe) {
          yaml.append("    servers: ")
              .append(quoted(String.join(", ", pool.allowedHosts())))
              .append('\n');
        } else {
          yaml.append("    servers:\n");
          pool.allowedHosts().forEach(host -> yaml.append("      - ").append(quoted(host)).append('\n'));
        }
      }
    }
    return yaml.toString();
  }

  /** A YAML double-quoted string, with everything but printable ASCII escaped. */
  private static String quoted(String text) {
    return text.chars()
        .mapToObj(
            c ->
                c == '"' || c == '\\'
                    ? "\\" + (char) c
                    : c >= 0x20 && c < 0x7f
                        ? String.valueOf((char) c)
                        : String.format("\\u%04x", c))
        .collect(Collectors.joining("", "\"", "\""));
  }
}
