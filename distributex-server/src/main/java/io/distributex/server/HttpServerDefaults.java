package io.distributex.server;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The settings of the JDK's {@code com.sun.net.httpserver} that Distributex needs, set as system
 * properties unless already set. The JDK reads them once, when the JVM's first {@code HttpServer}
 * is created, so an application that creates one before loading Distributex sets them itself.
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.nodelay=true}: otherwise Nagle's algorithm delays small answers
 *       by up to 40 ms.
 *   <li>{@code sun.net.httpserver.maxReqHeaderSize=32768}: the request line and the header block
 *       are each cut at 32 KiB (the JDK's default is 380 KiB); a longer one closes the connection.
 *   <li>{@code sun.net.httpserver.maxReqTime=10}: a request must arrive whole (line, headers,
 *       body; the TLS handshake) within 10 s, or its connection is closed: a slow client holds its
 *       connection (and its thread) for that long at most. A waiting request has arrived whole, so
 *       it is not cut: its answer may take as long as it takes. A connection opened and never used
 *       is closed after 10 to 20 s (the JDK looks every 10 s).
 *   <li>{@code sun.net.httpserver.idleInterval=30}: a connection idle for 30 s after an answer is
 *       closed.
 *   <li>{@code jdk.httpserver.maxConnections} (on Unix; elsewhere unset): the process's limit of
 *       open files less a tenth (at least 128) kept for its other files. Beyond it the JDK closes
 *       a new connection as soon as it has accepted it. Without it, once the process is out of
 *       descriptors the JDK's accept loop fails and retries without pause, one core busy, and the
 *       connections it holds are no longer served.
 *   <li>{@code sun.net.httpserver.maxIdleConnections}: the same number. An idle kept-alive
 *       connection costs memory and a descriptor, no thread; at the JDK's default of 200, a crowd
 *       of idle connections would make the server close every other client's connection after
 *       its answer, each call then paying a new connection (and TLS handshake).
 * </ul>
 *
 * <p>{@code sun.net.httpserver.maxRspTime} must stay unset: it would cut waiting requests.
 */
final class HttpServerDefaults {
  private static final System.Logger LOG = System.getLogger(HttpServerDefaults.class.getName());
  private static final String JDK = "sun.net.httpserver.";
  static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";

  private HttpServerDefaults() {}

  static void apply() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put(JDK + "nodelay", "true");
    defaults.put(JDK + "maxReqHeaderSize", "32768");
    defaults.put(JDK + "maxReqTime", "10");
    defaults.put(JDK + "idleInterval", "30");
    openFilesLimit().ifPresent(
        openFiles -> {
          String connections = Integer.toString(connectionCap(openFiles));
          defaults.put(MAX_CONNECTIONS, connections);
          defaults.put(JDK + "maxIdleConnections", connections);
        });
    defaults.forEach(
        (name, value) -> {
          if (System.getProperty(name) == null) {
            System.setProperty(name, value);
          }
        });
    if (System.getProperty(JDK + "maxRspTime") != null) {
      LOG.log(Level.WARNING, JDK + "maxRspTime is set: it cuts requests that wait for a slot");
    }
  }

  /** Connections the server may hold when the process may open {@code openFiles} files. */
  static int connectionCap(long openFiles) {
    long kept = Math.max(128, openFiles / 10);
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, openFiles - kept));
  }

  /**
   * The process's limit of open files (on Linux the JVM raised it to the hard limit at start);
   * none where the OS has no such limit.
   */
  private static OptionalLong openFilesLimit() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }
}
