package io.distributex.examples;

import io.distributex.client.DistributedLock;
import io.distributex.client.DistributexClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The client's counters in Micrometer through {@link MicrometerClientListener}: takes a lock twice
 * and prints what the registry counted. An application passes its own registry (Spring Boot's, a
 * Prometheus one) instead of the {@link SimpleMeterRegistry} here.
 *
 * <p>Run: {@code java -cp ... io.distributex.examples.MicrometerExample [SERVER_URI [POOL]]}
 */
public final class MicrometerExample {
  private MicrometerExample() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0) {
      try (ExampleServer server = ExampleServer.start()) {
        run(server.uri(), "deploy");
      }
    } else {
      run(URI.create(args[0]), args.length > 1 ? args[1] : "deploy");
    }
  }

  static void run(URI server, String pool) throws InterruptedException {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (DistributexClient client =
        DistributexClient.builder().server(server).listener(new MicrometerClientListener(registry)).build()) {
      for (int i = 0; i < 2; i++) {
        try (DistributedLock lock = client.lock(pool)) {
          System.out.println("holding " + pool + ", token " + lock.token());
        }
      }
      // The listener is told on the client's event thread, a moment after the release.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (released(registry, pool) < 2 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
    }
    System.out.println("acquired: " + (long) registry.get("distributex.client.acquired").tag("pool", pool).counter().count());
    System.out.println("released: " + released(registry, pool));
    System.out.println("wait timer count: " + registry.get("distributex.client.wait").tag("pool", pool).timer().count());
    System.out.println(
        "longest wait: " + Duration.ofNanos((long) registry.get("distributex.client.wait").timer().max(TimeUnit.NANOSECONDS)).toMillis() + " ms");
  }

  private static long released(MeterRegistry registry, String pool) {
    Counter counter = registry.find("distributex.client.released").tag("pool", pool).counter();
    return counter == null ? 0 : (long) counter.count();
  }
}
