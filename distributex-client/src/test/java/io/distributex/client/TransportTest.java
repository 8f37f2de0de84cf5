package io.distributex.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the transport writes on the wire, as the server parses it. */
class TransportTest {
  @Test
  void secondsAreWholeMillisecondsRoundedUpWithoutTrailingZeros() {
    assertEquals("15", Transport.seconds(Duration.ofSeconds(15)));
    assertEquals("0.5", Transport.seconds(Duration.ofMillis(500)));
    assertEquals("0.001", Transport.seconds(Duration.ofMillis(1)));
    assertEquals("0.001", Transport.seconds(Duration.ofNanos(1)));
    assertEquals("1.502", Transport.seconds(Duration.ofNanos(1_501_000_001)));
    assertEquals("2.05", Transport.seconds(Duration.ofMillis(2050)));
    assertEquals("0", Transport.seconds(Duration.ZERO));
    assertEquals("999999999", Transport.seconds(Duration.ofDays(100_000)));
  }
}
