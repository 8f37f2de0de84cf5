package io.distributex.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.distributex.server.config.ConfigException;
import io.distributex.server.config.ConfigLoader;
import io.distributex.server.config.DistributexConfig;
import io.distributex.testing.Await;
import io.distributex.testing.EtcdCluster;
import io.distributex.testing.MemcachedProcess;
import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpResponse;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What the server tests share: servers started from YAML on 127.0.0.1 port 0, HTTP calls through
 * {@link HttpClient} and through raw sockets, a small JSON reader for {@code /status}, and bounded
 * polling. Every wait here has a deadline.
 */
final class ServerTestSupport {
  /** Every pool kind the tests need (the spelling of docs/operations.md). */
  static final String POOLS_YAML =
      """
      pools:
        - name: p1
          expire: 300
        - name: never
          expire: 0
        - name: sem
          maxlocks: 3
          expire: 300
        - name: short
          expire: 1
        - name: builds
          maxlocks: 3
          strict: true
        - name: acl
          expire: 300
          servers: [acme1, acme2]
      """;

  /** How long any single answer that should come may take, on a loaded machine. */
  static final Duration ANSWER = Duration.ofSeconds(10);

  /** How long a test waits for a state it polls for. */
  static final Duration SETTLE = Duration.ofSeconds(10);

  static final String TOKEN = "X-Distributex-Token";
  static final String EXPIRES = "X-Distributex-Expires";

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private ServerTestSupport() {}

  // ---------------------------------------------------------------- servers

  static DistributexConfig config(String yaml) {
    try {
      return ConfigLoader.parse(yaml, "test.yaml");
    } catch (ConfigException e) {
      throw new AssertionError("test configuration refused: " + e.getMessage(), e);
    }
  }

  static DistributexServer start() {
    return start(POOLS_YAML);
  }

  /**
   * A configuration of servers sharing {@code memcached}, with {@code pools} (the YAML lines of
   * the pools list, indented by two spaces).
   */
  static String onMemcached(MemcachedProcess memcached, String pools) {
    return "backend: memcache\nmemcache:\n  servers: [ \"" + memcached.hostAndPort() + "\" ]\npools:\n"
        + pools;
  }

  /**
   * A configuration of servers sharing {@code etcd} under {@code prefix}, with {@code pools} (the
   * YAML lines of the pools list, indented by two spaces).
   */
  static String onEtcd(EtcdCluster etcd, String prefix, String pools) {
    return "backend: etcd\netcd:\n  endpoints: [ "
        + String.join(", ", etcd.endpoints().stream().map(endpoint -> "\"" + endpoint + "\"").toList())
        + " ]\n  prefix: " + prefix + "\npools:\n"
        + pools;
  }

  static DistributexServer start(String yaml) {
    return DistributexServer.builder().config(config(yaml)).bind("127.0.0.1").port(0).start();
  }

  // ---------------------------------------------------------------- answers

  /** One HTTP answer; header names are kept lower case. */
  record Reply(int status, String body, Map<String, List<String>> headers) {
    Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The fencing token, which must be present and a positive 64-bit integer. */
    long token() {
      String value = header(TOKEN).orElseThrow(() -> new AssertionError("no " + TOKEN + " on " + this));
      long token;
      try {
        token = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new AssertionError(TOKEN + " is not a 64-bit integer: " + value, e);
      }
      assertTrue(token > 0, TOKEN + " must be positive: " + value);
      return token;
    }

    OptionalLong expires() {
      return header(EXPIRES).map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }

    long expiresMillis() {
      return expires().orElseThrow(() -> new AssertionError("no " + EXPIRES + " on " + this));
    }

    String contentType() {
      return header("Content-Type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + body.replace("\n", "\\n") + " " + headers;
    }
  }

  /** Asserts a text answer: status, exact body (no trailing newline), text/plain. */
  static Reply assertText(Reply reply, int status, String body) {
    assertEquals(status, reply.status(), () -> "status of " + reply);
    assertEquals(body, reply.body(), () -> "body of " + reply);
    assertTrue(
        reply.contentType().toLowerCase(Locale.ROOT).startsWith("text/plain"),
        () -> "Content-Type of " + reply);
    return reply;
  }

  /** Asserts a {@code 200 YES} and returns its token. */
  static long assertYes(Reply reply) {
    assertText(reply, 200, "YES");
    return reply.token();
  }

  // ---------------------------------------------------------------- java.net.http

  static URI uri(DistributexServer server, String target) {
    return server.uri().resolve(target);
  }

  /** GET {@code target}; {@code headers} alternate names and values. */
  static Reply get(DistributexServer server, String target, String... headers) {
    return await(async(server, "GET", target, headers));
  }

  static Reply post(DistributexServer server, String target) {
    return await(async(server, "POST", target));
  }

  static CompletableFuture<Reply> async(DistributexServer server, String target) {
    return async(server, "GET", target);
  }

  static CompletableFuture<Reply> async(
      DistributexServer server, String method, String target, String... headers) {
    return async(CLIENT, server, method, target, headers);
  }

  /** A call through {@code client} (an HTTPS one, say); {@code headers} as names and values. */
  static CompletableFuture<Reply> async(
      HttpClient client, DistributexServer server, String method, String target, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(server, target))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client
        .sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8))
        .thenApply(
            response -> {
              Map<String, List<String>> received = new LinkedHashMap<>();
              response.headers().map().forEach((k, v) -> received.put(k.toLowerCase(Locale.ROOT), v));
              return new Reply(response.statusCode(), response.body(), received);
            });
  }

  /** The answer of {@code call}, which must come within {@link #ANSWER}. */
  static Reply await(CompletableFuture<Reply> call) {
    return await(call, ANSWER);
  }

  static Reply await(CompletableFuture<Reply> call, Duration limit) {
    try {
      return call.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + limit, e);
    } catch (ExecutionException e) {
      throw new AssertionError("call failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The {@code Authorization} header of a Bearer secret, as a name and a value. */
  static String[] bearer(String secret) {
    return new String[] {"Authorization", "Bearer " + secret};
  }

  /** The {@code Authorization} header of HTTP Basic, as a name and a value. */
  static String[] basic(String user, String password) {
    String pair = user + ":" + password;
    return new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(UTF_8))};
  }

  /** {@code /metrics}, which must answer 200 in the exposition format; read strictly. */
  static Exposition metrics(DistributexServer server, String... headers) {
    Reply reply = get(server, "/metrics", headers);
    assertEquals(200, reply.status(), reply::toString);
    assertEquals("text/plain; version=0.0.4; charset=utf-8", reply.contentType());
    return Exposition.parse(reply.body());
  }

  // ---------------------------------------------------------------- raw sockets

  /**
   * Opens a connection and writes one request verbatim ({@code Connection: close}), so a test
   * controls the request target byte by byte and the connection's life; {@link #answer} reads
   * the answer.
   */
  static RawHttpConnection rawOpen(DistributexServer server, String method, String target) {
    return rawOpen(server, method, target, List.of(), method.equals("POST") ? new byte[0] : null);
  }

  /**
   * The same with {@code headerLines} ("Name: value") after the Host and Connection headers, and
   * {@code body} with its Content-Length unless null.
   */
  static RawHttpConnection rawOpen(
      DistributexServer server, String method, String target, List<String> headerLines, byte[] body) {
    return rawOpen(server.address().getPort(), method, target, headerLines, body);
  }

  /** The same, to a server on 127.0.0.1:{@code port} (one another process runs, say). */
  static RawHttpConnection rawOpen(int port, String method, String target, List<String> headerLines, byte[] body) {
    List<String> lines = new ArrayList<>(List.of("Connection: close"));
    lines.addAll(headerLines);
    RawHttpConnection connection = null;
    try {
      connection = RawHttpConnection.open(new InetSocketAddress("127.0.0.1", port), ANSWER);
      connection.send(method, target, lines, body);
      return connection;
    } catch (IOException e) {
      if (connection != null) {
        connection.close();
      }
      throw new UncheckedIOException("cannot send " + method + " " + target, e);
    }
  }

  /** The whole answer on {@code connection}, which must come within {@link #ANSWER}. */
  static Reply answer(RawHttpConnection connection) {
    try {
      RawHttpResponse response = connection.read();
      return new Reply(response.status(), response.body(), response.headers());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no complete answer in time", e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the answer failed", e);
    }
  }

  /** A whole call on a raw socket: GET {@code target}, answer within {@link #ANSWER}. */
  static Reply raw(DistributexServer server, String target) {
    return raw(server, "GET", target);
  }

  static Reply raw(DistributexServer server, String method, String target) {
    try (RawHttpConnection connection = rawOpen(server, method, target)) {
      return answer(connection);
    }
  }

  // ---------------------------------------------------------------- /status

  /** The {@code /status} body as sent (fetched on a raw socket, so no pooled connection stays). */
  static String statusText(DistributexServer server) {
    Reply reply = raw(server, "/status");
    assertEquals(200, reply.status(), () -> "/status answered " + reply);
    return reply.body();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(DistributexServer server) {
    return (Map<String, Object>) Json.parse(statusText(server));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> pool(Map<String, Object> status, String name) {
    for (Object pool : (List<Object>) status.get("pools")) {
      Map<String, Object> map = (Map<String, Object>) pool;
      if (name.equals(map.get("name"))) {
        return map;
      }
    }
    throw new AssertionError("no pool '" + name + "' in " + status);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> entries(Map<String, Object> pool, String key) {
    return (List<Map<String, Object>>) pool.get(key);
  }

  static List<String> hosts(DistributexServer server, String pool, String key) {
    return entries(pool(status(server), pool), key).stream().map(e -> (String) e.get("host")).toList();
  }

  static List<String> waiters(DistributexServer server, String pool) {
    return hosts(server, pool, "waiters");
  }

  static List<String> holders(DistributexServer server, String pool) {
    return hosts(server, pool, "holders");
  }

  /** Polls {@code /status} until {@code pool}'s queue is exactly {@code expected}, in order. */
  static void awaitWaiters(DistributexServer server, String pool, List<String> expected) {
    awaitValue("waiters of " + pool, () -> waiters(server, pool), expected);
  }

  static void awaitHolders(DistributexServer server, String pool, List<String> expected) {
    awaitValue("holders of " + pool, () -> holders(server, pool), expected);
  }

  static void awaitWaiterCount(DistributexServer server, String pool, int expected) {
    awaitValue("number of waiters of " + pool, () -> waiters(server, pool).size(), expected);
  }

  // ---------------------------------------------------------------- bounded polling

  /** Polls {@code actual} until it equals {@code expected}; fails after {@link #SETTLE}. */
  static <T> void awaitValue(String what, Supplier<T> actual, T expected) {
    Await.value(what, SETTLE, actual::get, expected);
  }

  /** Polls until {@code value} is at most {@code bound}; fails after {@link #SETTLE}. */
  static void awaitAtMost(String what, Supplier<Long> value, long bound) {
    Await.atMost(what, SETTLE, value::get, bound);
  }

  /** Spins (without sleeping on a clock assumption) until the wall clock has passed {@code millis}. */
  static void awaitClockPast(long millis) {
    Await.until("the wall clock past " + millis, SETTLE, Duration.ZERO, System::currentTimeMillis, now -> now > millis);
  }

  // ---------------------------------------------------------------- programs

  /**
   * The program {@code name} on the PATH. Missing, it fails the test on CI (environment {@code
   * CI=true}, where {@code .ci/run} installs it) and skips it elsewhere.
   */
  static Path program(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String missing = name + " is not installed (.ci/run installs it)";
    if ("true".equals(System.getenv("CI"))) {
      fail(missing);
    }
    Assumptions.abort(missing + "; skipped outside CI");
    throw new AssertionError("unreachable");
  }

  // ---------------------------------------------------------------- process resources

  /** Open file descriptors of this JVM, where the server runs too. */
  static long openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  // ---------------------------------------------------------------- JSON

  /**
   * A strict reader of RFC 8259 JSON (one value, no duplicate member names): objects as ordered
   * maps, arrays as lists, integers as Long, other numbers as Double. Bad JSON is an {@link
   * AssertionError}.
   */
  static final class Json {
    private static final JsonFactory FACTORY =
        JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private Json() {}

    static Object parse(String text) {
      try (JsonParser parser = FACTORY.createParser(text)) {
        Object value = value(parser, next(parser));
        if (parser.nextToken() != null) {
          throw new AssertionError("bad JSON: text after the value in " + text);
        }
        return value;
      } catch (IOException e) {
        throw new AssertionError("bad JSON: " + e.getMessage() + " in " + text, e);
      }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
      return switch (token) {
        case START_OBJECT -> {
          Map<String, Object> map = new LinkedHashMap<>();
          while (next(parser) != JsonToken.END_OBJECT) {
            String name = parser.currentName();
            map.put(name, value(parser, next(parser)));
          }
          yield map;
        }
        case START_ARRAY -> {
          List<Object> list = new ArrayList<>();
          for (JsonToken item = next(parser); item != JsonToken.END_ARRAY; item = next(parser)) {
            list.add(value(parser, item));
          }
          yield list;
        }
        case VALUE_STRING -> parser.getText();
        case VALUE_NUMBER_INT -> Long.valueOf(parser.getLongValue());
        case VALUE_NUMBER_FLOAT -> Double.valueOf(parser.getDoubleValue());
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NULL -> null;
        default -> throw new AssertionError("bad JSON: unexpected " + token);
      };
    }

    private static JsonToken next(JsonParser parser) throws IOException {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new AssertionError("bad JSON: unexpected end");
      }
      return token;
    }
  }
}
