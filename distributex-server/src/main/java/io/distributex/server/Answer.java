package io.distributex.server;

import com.sun.net.httpserver.HttpExchange;
import io.distributex.core.Grant;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP answer: status, content type, body, and the grant headers of a {@code YES}. Written
 * either at once, with a fixed length, or to a parked exchange, chunked: on JDK 17 a fixed-length
 * answer to a client that has gone fails with "Broken pipe" and leaks its connection, while a
 * chunked one is closed properly.
 */
record Answer(int status, String contentType, byte[] body, Grant grant) {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String TOKEN_HEADER = "X-Distributex-Token";
  static final String EXPIRES_HEADER = "X-Distributex-Expires";

  static Answer text(int status, String body) {
    return new Answer(status, TEXT, body.getBytes(StandardCharsets.UTF_8), null);
  }

  /** {@code body} with the token and expiry headers of {@code grant}. */
  static Answer granted(String body, Grant grant) {
    return new Answer(200, TEXT, body.getBytes(StandardCharsets.UTF_8), grant);
  }

  static Answer of(Refusal refusal) {
    return text(refusal.status(), refusal.body());
  }

  /** The body as text, for the log. */
  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * Writes the answer and closes the exchange.
   *
   * @param parked whether the request waited (the client may be gone): answer chunked
   * @throws IOException when the client cannot be written to; the exchange is closed anyway
   */
  void send(HttpExchange exchange, boolean parked) throws IOException {
    try (exchange) {
      var headers = exchange.getResponseHeaders();
      headers.set("Content-Type", contentType);
      headers.set("Cache-Control", "no-store");
      if (grant != null) {
        headers.set(TOKEN_HEADER, Long.toString(grant.token()));
        grant.expires().ifPresent(at -> headers.set(EXPIRES_HEADER, Long.toString(at.toEpochMilli())));
      }
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : parked ? 0 : body.length);
      if (!head) {
        OutputStream out = exchange.getResponseBody();
        out.write(body);
        out.flush();
      }
    }
  }
}
