package io.distributex.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One complete HTTP/1.1 response as {@link RawHttpParser} read it.
 *
 * @param status the status code
 * @param headers every header's values in the order they came, under its name in lower case
 * @param body the body as UTF-8 text, de-chunked
 * @param chunked whether the body came with {@code Transfer-Encoding: chunked}, as Distributex
 *     answers a parked waiter
 */
public record RawHttpResponse(int status, Map<String, List<String>> headers, String body, boolean chunked) {
  public RawHttpResponse {
    headers = Map.copyOf(headers);
  }

  /** The first value of header {@code name} (any case), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Whether this is {@code 200} with body {@code word} (e.g. {@code YES}, {@code OK}). */
  public boolean is(String word) {
    return status == 200 && body.equals(word);
  }

  /** Whether the server said it closes the connection after this response. */
  public boolean closesConnection() {
    String connection = header("connection");
    return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
  }

  /** Status and body (cut after 120 characters), for messages. */
  @Override
  public String toString() {
    return status + " " + (body.length() > 120 ? body.substring(0, 120) + "..." : body);
  }
}
