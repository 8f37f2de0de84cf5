package io.distributex.server.config;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;

/**
 * One memcached server the {@code memcache} backend talks to.
 *
 * @param host a host name or an IP address (an IPv6 address without brackets)
 * @param port the TCP port, 1 to 65535
 */
public record MemcacheAddress(String host, int port) {
  /** memcached's standard port, used when a server is named without one. */
  public static final int DEFAULT_PORT = 11211;

  public MemcacheAddress {
    requireNonNull(host, "host");
    checkArgument(
        !host.isEmpty()
            && host.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
            && host.indexOf('[') < 0
            && host.indexOf(']') < 0
            && (host.indexOf(':') < 0 || InetAddresses.isInetAddress(host)),
        "memcache host must be a host name or an IP address (got '%s')",
        host);
    checkArgument(port >= 1 && port <= 65535, "memcache port must be 1 to 65535 (got %s)", port);
  }

  /**
   * Reads {@code host}, {@code host:port}, {@code [ipv6]} or {@code [ipv6]:port}; the port is
   * {@value #DEFAULT_PORT} when missing.
   *
   * @throws IllegalArgumentException with a sentence a person can act on, for anything else
   */
  public static MemcacheAddress parse(String text) {
    HostAndPort parsed;
    try {
      parsed = HostAndPort.fromString(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "memcache server must be host or host:port (got '" + text + "')", e);
    }
    return new MemcacheAddress(parsed.getHost(), parsed.getPortOrDefault(DEFAULT_PORT));
  }

  /** {@code host:port}, with an IPv6 address in brackets; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return HostAndPort.fromParts(host, port).toString();
  }
}
