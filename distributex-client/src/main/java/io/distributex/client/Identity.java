package io.distributex.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Default identities: the machine's name, looked up once per JVM, plus a per-client suffix; and
 * names made from an identity by a suffix (a lease's holder).
 */
final class Identity {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static volatile String hostName;

  private Identity() {}

  static String unique() {
    return suffixed(hostName(), "#" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
  }

  /** {@code name} plus {@code suffix} (ASCII), {@code name} shortened so the whole is a valid host. */
  static String suffixed(String name, String suffix) {
    String base = name;
    while (base.getBytes(StandardCharsets.UTF_8).length + suffix.length() > Transport.MAX_NAME_BYTES) {
      base = base.substring(0, base.length() - 1);
    }
    return base + suffix;
  }

  static String hostName() {
    String name = hostName;
    if (name == null) {
      try {
        InetAddress local = InetAddress.getLocalHost();
        name = local.getCanonicalHostName();
        if (name == null || name.isEmpty()) {
          name = local.getHostName();
        }
      } catch (UnknownHostException | SecurityException unknown) {
        // No resolvable name for this machine: fall back to what the OS calls it.
        name = System.getenv().getOrDefault("HOSTNAME", "localhost");
      }
      hostName = name;
    }
    return name;
  }
}
