package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The connection cap keeps a tenth of the limit of open files, at least 128, for other files. */
class HttpServerDefaultsTest {
  @Test
  void theCapKeepsATenthOfTheLimitAndAtLeast128() {
    assertEquals(18_000, HttpServerDefaults.connectionCap(20_000));
    assertEquals(896, HttpServerDefaults.connectionCap(1_024));
    assertEquals(1, HttpServerDefaults.connectionCap(100));
    assertEquals(Integer.MAX_VALUE, HttpServerDefaults.connectionCap(Long.MAX_VALUE));
  }

  @Test
  void loadingTheServerSetsTheCapForThisProcess() {
    long limit = ((com.sun.management.UnixOperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    HttpServerDefaults.apply();
    assertEquals(Integer.toString(HttpServerDefaults.connectionCap(limit)),
        System.getProperty(HttpServerDefaults.MAX_CONNECTIONS));
  }
}
