package io.distributex.cli;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Who holds a pool, in a few words, from the server's {@code /status} (docs/protocol.md). */
final class Holders {
  private static final int TIMEOUT_MILLIS = 3000;
  private static final int MAX_BODY = 4 << 20;

  private Holders() {}

  /** Asks the server; never throws: a failure is described in the returned words. */
  static String ask(URI server, String secret, String pool, String identity) {
    try {
      HttpURLConnection connection = (HttpURLConnection) server.resolve("status").toURL().openConnection();
      connection.setConnectTimeout(TIMEOUT_MILLIS);
      connection.setReadTimeout(TIMEOUT_MILLIS);
      connection.setInstanceFollowRedirects(false);
      if (secret != null) {
        connection.setRequestProperty("Authorization", "Bearer " + secret);
      }
      try {
        int status = connection.getResponseCode();
        if (status != 200) {
          return "who holds it is unknown: /status answered HTTP " + status;
        }
        try (InputStream body = connection.getInputStream()) {
          String json = new String(body.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
          return describe(Json.parse(json), pool, identity, System.currentTimeMillis());
        }
      } finally {
        connection.disconnect();
      }
    } catch (IOException | IllegalArgumentException | ClassCastException failed) {
      return "who holds it is unknown: " + failed.getMessage();
    }
  }

  /**
   * Like "held by web1 for 42 s (token 17); 2 ahead of us in the queue".
   *
   * @param status the parsed {@code /status} document
   * @throws ClassCastException when the document does not have the protocol's shape
   */
  static String describe(Object status, String pool, String identity, long nowMillis) {
    Map<?, ?> entry = null;
    for (Object candidate : (List<?>) ((Map<?, ?>) status).get("pools")) {
      if (pool.equals(((Map<?, ?>) candidate).get("name"))) {
        entry = (Map<?, ?>) candidate;
      }
    }
    if (entry == null) {
      return "the server's status does not show the pool";
    }
    List<String> holders = new ArrayList<>();
    for (Object holder : list(entry.get("holders"))) {
      Map<?, ?> grant = (Map<?, ?>) holder;
      StringBuilder words = new StringBuilder(String.valueOf(grant.get("host")));
      if ("shared".equals(grant.get("mode"))) {
        words.append(" (shared)");
      }
      if (grant.get("acquired") instanceof BigDecimal) {
        long held = Math.max(0, nowMillis - ((BigDecimal) grant.get("acquired")).longValue()) / 1000;
        words.append(" for ").append(held).append(" s");
      }
      if (grant.get("token") instanceof BigDecimal) {
        words.append(" (token ").append(((BigDecimal) grant.get("token")).toPlainString()).append(')');
      }
      holders.add(words.toString());
    }
    List<?> waiters = list(entry.get("waiters"));
    int ahead = -1;
    for (int i = 0; i < waiters.size(); i++) {
      if (identity.equals(((Map<?, ?>) waiters.get(i)).get("host"))) {
        ahead = i;
      }
    }
    String held = holders.isEmpty() ? "no holder at this moment" : "held by " + String.join(", ", holders);
    if (ahead > 0) {
      return held + "; " + ahead + " ahead of us in the queue";
    }
    if (ahead < 0 && !waiters.isEmpty()) {
      return held + "; " + waiters.size() + " waiting";
    }
    return held;
  }

  private static List<?> list(Object value) {
    return value == null ? List.of() : (List<?>) value;
  }
}
