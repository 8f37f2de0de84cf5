package io.distributex.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One complete HTTP/1.1 response as {@link ResponseParser} read it.
 *
 * @param status the status code
 * @param headers header names in lower case; a repeated header's values joined with ", "
 * @param body the body, de-chunked
 * @param chunked whether the body came with {@code Transfer-Encoding: chunked}
 */
record HttpResponse(int status, Map<String, String> headers, byte[] body, boolean chunked) {
  /** The body as UTF-8 text. */
  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The value of header {@code name}, or null. */
  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** Whether the server said it closes the connection after this response. */
  boolean closesConnection() {
    String connection = header("connection");
    return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
  }

  /** Whether this is {@code 200} with body {@code word} (e.g. {@code YES}, {@code OK}). */
  boolean is(String word) {
    return status == 200 && text().equals(word);
  }

  /** Status and body, for messages. */
  String summary() {
    String text = text();
    return status + " " + (text.length() > 120 ? text.substring(0, 120) + "..." : text);
  }
}
