package io.distributex.client;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one {@code GET} to one server and reads its answer: the part of {@link Transport} that
 * speaks HTTP. Two ways, chosen by {@link DistributexClient.Builder#plainSockets()}: the JDK's
 * {@code HttpClient} ({@link JdkHttpSender}, no thread per open call) or plain sockets ({@link
 * SocketHttpSender}, quick to start).
 *
 * <p>A failure completes the future with an {@link java.io.IOException} that {@link Transport}
 * tells apart: a {@link java.net.ConnectException} or {@link java.net.UnknownHostException} (the
 * server was never reached), an {@link java.net.http.HttpConnectTimeoutException} or {@link
 * java.net.http.HttpTimeoutException} (no connection, or no answer, in time), any other (the
 * connection broke, perhaps a kept-alive one the server had closed: worth one more try).
 */
interface HttpSender {
  /**
   * Sends {@code GET target} to {@code server} (the base URI {@code target} was resolved against)
   * with {@code Accept: text/plain} and the client's {@code Authorization}, and completes with the
   * answer, read within {@code timeout} of sending.
   */
  CompletableFuture<Reply> send(URI server, URI target, Duration timeout);

  /** The {@code Authorization} header for {@code secret}; null for none. */
  static String authorization(String secret) {
    return secret == null ? null : "Bearer " + secret;
  }
}
