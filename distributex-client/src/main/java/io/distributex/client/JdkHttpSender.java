package io.distributex.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * Calls through the JDK's {@code HttpClient}: an open call (a long wait in a queue) holds no
 * thread, which suits a long-lived client with many callers. The default {@link HttpSender}.
 */
final class JdkHttpSender implements HttpSender {
  private final HttpClient http;
  private final String authorization;

  /**
   * @param secret sent as a bearer token; null for none
   * @param tls the TLS context for {@code https://} servers; null for the JVM's default
   */
  JdkHttpSender(String secret, SSLContext tls, Duration connectTimeout) {
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      http.sslContext(tls);
    }
    this.http = http.build();
    this.authorization = HttpSender.authorization(secret);
  }

  @Override
  public CompletableFuture<Reply> send(URI server, URI target, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).header("Accept", "text/plain").GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .thenApply(
            response ->
                Reply.of(
                    server,
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue(Reply.TOKEN_HEADER).orElse(null),
                    response.headers().firstValue(Reply.EXPIRES_HEADER).orElse(null)));
  }
}
