package io.distributex.client;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one call to the servers in turn. It starts with the server that answered last and moves
 * to the next when one cannot be reached, does not answer in time or answers {@code 503}; any
 * other answer, refusals included, is final. Every Distributex call may be sent twice safely
 * ({@code get} and {@code wait} of a holder answer {@code YES} again with the same token, a
 * second {@code wait} takes over the first one's place, {@code release} and {@code renew} are
 * idempotent), which is what makes retrying on another server or connection sound.
 */
final class Transport {
  /** The longest number of seconds the server parses. */
  static final Duration MAX_SECONDS = Duration.ofSeconds(999_999_999);

  private final HttpClient http;
  private final List<URI> servers;
  private final String authorization;
  private final AtomicInteger preferred = new AtomicInteger();

  Transport(HttpClient http, List<URI> servers, String secret) {
    this.http = http;
    this.servers = List.copyOf(servers);
    this.authorization = secret == null ? null : "Bearer " + secret;
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
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.resolve(call + "?" + query))
            .timeout(timeout)
            .header("Accept", "text/plain")
            .GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    CompletableFuture<HttpResponse<String>> sent;
    try {
      sent = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (RuntimeException cannotSend) {
      // The client's selector is gone (its executor shut down), or the request is unusable.
      result.completeExceptionally(
          new ServerUnavailableException("cannot send to " + server + ": " + cannotSend, cannotSend));
      return;
    }
    sent.whenComplete(
        (response, error) -> {
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause == null && response.statusCode() != 503) {
            preferred.set(index);
            result.complete(Reply.of(server, response));
            return;
          }
          if (cause != null && !(cause instanceof IOException)) {
            result.completeExceptionally(
                new ServerUnavailableException("cannot call " + server + ": " + cause, cause));
            return;
          }
          Reply unavailable = cause == null ? Reply.of(server, response) : null;
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

  private static boolean staleConnection(Throwable cause) {
    return !(cause instanceof ConnectException) && !(cause instanceof HttpTimeoutException);
  }

  private static String describe(Throwable cause, Duration timeout) {
    if (cause instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer within " + seconds(timeout) + " s";
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

  /** Seconds as the server parses them: whole milliseconds, rounded up, no exponent. */
  static String seconds(Duration duration) {
    Duration bounded = duration.compareTo(MAX_SECONDS) > 0 ? MAX_SECONDS : duration;
    long millis = bounded.toMillis() + (bounded.minusMillis(bounded.toMillis()).isZero() ? 0 : 1);
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }
}
