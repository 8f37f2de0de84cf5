package io.distributex.server;

import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * The settings of JDK 17's {@code com.sun.net.httpserver} that Distributex needs, set as system
 * properties unless already set. The JDK reads them once, when the JVM's first {@code HttpServer}
 * is created, so an application that creates one before loading Distributex sets them itself.
 *
 * <ul>
 *   <li>{@code nodelay=true}: otherwise Nagle's algorithm delays small answers by up to 40 ms.
 *   <li>{@code maxReqHeaderSize=32768}: the request line and the header block are each cut at 32
 *       KiB (the JDK's default is 380 KiB); a longer one closes the connection.
 *   <li>{@code maxReqTime=10}: a request must arrive whole (line, headers, body) within 10 s, or
 *       its connection is closed, so a slow client cannot hold a thread for long. A waiting
 *       request has arrived whole, so it is not cut: its answer may take as long as it takes.
 *   <li>{@code idleInterval=30}: a connection idle for 30 s, or opened and never used, is closed.
 * </ul>
 *
 * <p>{@code maxRspTime} must stay unset: it would cut waiting requests.
 */
final class HttpServerDefaults {
  private static final System.Logger LOG = System.getLogger(HttpServerDefaults.class.getName());
  private static final String PREFIX = "sun.net.httpserver.";
  private static final Map<String, String> DEFAULTS =
      Map.of(
          "nodelay", "true",
          "maxReqHeaderSize", "32768",
          "maxReqTime", "10",
          "idleInterval", "30");

  private HttpServerDefaults() {}

  static void apply() {
    DEFAULTS.forEach(
        (name, value) -> {
          if (System.getProperty(PREFIX + name) == null) {
            System.setProperty(PREFIX + name, value);
          }
        });
    if (System.getProperty(PREFIX + "maxRspTime") != null) {
      LOG.log(Level.WARNING, PREFIX + "maxRspTime is set: it cuts requests that wait for a slot");
    }
  }
}
