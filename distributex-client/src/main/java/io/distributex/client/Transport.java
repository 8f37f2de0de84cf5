package io.distributex.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends one call to the servers in turn. It starts with the server that answered last and moves
 * to the next when one cannot be reached, does not answer in time or answers {@code 503}; any
 * other answer, refusals included, is final. Every Distributex call may be sent twice safely
 * ({@code get} and {@code wait} of a holder answer {@code YES} again with the same token, a
 * second {@code wait} takes over the first one's place, {@code release} and {@code renew} are
 * idempotent), which is what makes retrying on another server or connection sound.
 *
 * <p>Its static methods write and check what goes on the wire the way the server reads it: base
 * URIs, names, queries, seconds.
 */
final class Transport {
  /** The longest number of seconds the server parses. */
  static final Duration MAX_SECONDS = Duration.ofSeconds(999_999_999);
  /** The longest name (pool or host) the server takes, in bytes of UTF-8. */
  static final int MAX_NAME_BYTES = 255;

  private final HttpSender http;
  private final List<URI> servers;
  private final AtomicInteger preferred = new AtomicInteger();

  /** @param servers base URIs as {@link #checkServer} returns them */
  Transport(List<URI> servers, HttpSender http) {
    this.http = http;
    this.servers = List.copyOf(servers);
  }

  /**
   * Sends {@code call} (like {@code "wait/"}) with {@code query} (already encoded). Completes
   * with the first final answer, or exceptionally with a {@link ServerUnavailableException} whose
   * cause is the last failure (an {@link HttpTimeoutException} when the last server was silent).
   */
  CompletableFuture<Reply> send(String call, String query, Duration timeout) {
    CompletableFuture<Reply> result = new CompletableFuture<>();
    attempt(result, call, query, timeout, preferred.get(), 0, false, new ArrayList<>());
    return result;
  }

  private void attempt(
      CompletableFuture<Reply> result,
      String call,
      String query,
      Duration timeout,
      int first,
      int tried,
      boolean sameAgain,
      List<String> failures) {
    int index = (first + tried) % servers.size();
    URI server = servers.get(index);
    CompletableFuture<Reply> sent;
    try {
      sent = http.send(server, server.resolve(call + "?" + query), timeout);
    } catch (RuntimeException cannotSend) {
      // The client's selector is gone (its executor shut down), no thread is left, or the request is unusable.
      result.completeExceptionally(
          new ServerUnavailableException("cannot send to " + server + ": " + cannotSend, cannotSend));
      return;
    }
    sent.whenComplete(
        (reply, error) -> {
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause == null && reply.status() != 503) {
            preferred.set(index);
            result.complete(reply);
            return;
          }
          if (cause != null && !(cause instanceof IOException)) {
            result.completeExceptionally(
                new ServerUnavailableException("cannot call " + server + ": " + cause, cause));
            return;
          }
          Reply unavailable = cause == null ? reply : null;
          if (cause != null && staleConnection(cause) && !sameAgain) {
            // A pooled connection the server had already closed: one new connection settles it.
            attempt(result, call, query, timeout, first, tried, true, failures);
            return;
          }
          failures.add(
              server + ": " + (unavailable != null ? unavailable.sentence() : describe(cause, timeout)));
          if (tried + 1 < servers.size()) {
            attempt(result, call, query, timeout, first, tried + 1, false, failures);
          } else if (servers.size() == 1 && unavailable != null) {
            result.completeExceptionally(unavailable.failure());
          } else {
            String message =
                servers.size() == 1
                    ? "cannot reach " + failures.get(0)
                    : "no server could serve the call: " + String.join("; ", failures);
            result.completeExceptionally(new ServerUnavailableException(message, cause));
          }
        });
  }

  /** The exception a send that completed exceptionally with {@code error} stands for. */
  static DistributexException failure(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof DistributexException) {
      return (DistributexException) cause;
    }
    if (cause instanceof CancellationException) {
      return new DistributexException("cancelled", cause);
    }
    return new DistributexException("unexpected failure: " + cause, cause);
  }

  private static boolean staleConnection(Throwable cause) {
    return !(cause instanceof ConnectException)
        && !(cause instanceof UnknownHostException)
        && !(cause instanceof HttpTimeoutException);
  }

  private static String describe(Throwable cause, Duration timeout) {
    if (cause instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer within " + seconds(timeout) + " s";
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host";
    }
    if (cause instanceof ConnectException) {
      Throwable root = cause;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      if (root instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      return cause.getMessage() != null ? cause.getMessage() : "connection refused";
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }

  /** {@code key=value&...} with every value URL-encoded. */
  static String query(String... keysAndValues) {
    StringBuilder query = new StringBuilder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] == null) {
        continue;
      }
      if (query.length() > 0) {
        query.append('&');
      }
      query.append(keysAndValues[i]).append('=')
          .append(URLEncoder.encode(keysAndValues[i + 1], StandardCharsets.UTF_8));
    }
    return query.toString();
  }

  /**
   * Seconds as the server parses them: whole milliseconds, rounded up, no exponent. Written by
   * hand rather than with {@code BigDecimal}, whose set-up costs a short-lived JVM tens of
   * milliseconds.
   */
  static String seconds(Duration duration) {
    Duration bounded = duration.compareTo(MAX_SECONDS) > 0 ? MAX_SECONDS : duration;
    long millis = bounded.toMillis() + (bounded.minusMillis(bounded.toMillis()).isZero() ? 0 : 1);
    String whole = Long.toString(millis / 1000);
    int fraction = (int) (millis % 1000);
    if (fraction == 0) {
      return whole;
    }
    String digits = Integer.toString(1000 + fraction);
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(1, end);
  }

  /**
   * Checks a hold period ({@code what} names it in the message) and returns it.
   *
   * @throws IllegalArgumentException when not positive or longer than 999,999,999 s
   */
  static Duration checkPeriod(String what, Duration period) {
    if (period == null || period.isNegative() || period.isZero() || period.compareTo(MAX_SECONDS) > 0) {
      throw new IllegalArgumentException(what + " must be positive and at most 999999999 s, got " + period);
    }
    return period;
  }

  /**
   * A server's base URI as calls are resolved against it: scheme in lower case, a path that ends
   * in {@code /}.
   *
   * @throws IllegalArgumentException when it is not an absolute http or https URI with a host,
   *     or has a query or fragment
   */
  static URI checkServer(URI server) {
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
    return URI.create(scheme.toLowerCase(Locale.ROOT) + "://" + server.getRawAuthority() + path);
  }

  /**
   * A TLS context that trusts exactly the certificates in {@code trusted}.
   *
   * @throws IllegalArgumentException when the store cannot serve as a trust store
   */
  static SSLContext trusting(KeyStore trusted) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException unusable) {
      throw new IllegalArgumentException("trust store cannot be used: " + unusable.getMessage(), unusable);
    }
  }

  /**
   * Checks a name the server takes (a pool, or a host: {@code what} says which) and returns it.
   *
   * @throws IllegalArgumentException when empty, over 255 bytes of UTF-8, or with control
   *     characters
   */
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
}
