package io.distributex.server;

import java.util.Locale;

/**
 * The calls of docs/protocol.md, known by their path with or without its trailing slash.
 * Their lower-case names label the request metrics, so a path nobody configured never becomes a
 * label: every unknown path is {@link #OTHER}.
 */
enum Call {
  GET("/get"),
  WAIT("/wait"),
  RELEASE("/release"),
  RENEW("/renew"),
  VALIDATE("/validate"),
  STATUS("/status"),
  METRICS("/metrics"),
  HEALTH("/health"),
  PAGE("/"),
  OTHER(null);

  private final String path;

  Call(String path) {
    this.path = path;
  }

  static Call of(String rawPath) {
    String path =
        rawPath.length() > 1 && rawPath.endsWith("/")
            ? rawPath.substring(0, rawPath.length() - 1)
            : rawPath;
    for (Call call : values()) {
      if (path.equals(call.path)) {
        return call;
      }
    }
    return OTHER;
  }

  /** The {@code call} label of {@code distributex_requests_total}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
