package io.distributex.examples;

import io.distributex.client.ClientListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The Java client's counters in Micrometer, to copy into an application that uses Micrometer (the
 * client itself depends on no metrics library): give it to {@code
 * DistributexClient.builder().listener(...)}. Meters, each tagged with the {@code pool}:
 *
 * <ul>
 *   <li>{@code distributex.client.acquired} (counter), {@code distributex.client.wait} (timer: time
 *       from asking to the grant)
 *   <li>{@code distributex.client.released} (counter)
 *   <li>{@code distributex.client.lost} (counter): locks lost without being closed
 *   <li>{@code distributex.client.renew.failures} (counter, also tagged with the {@code exception}'s
 *       class): renewals that could not reach the server
 * </ul>
 *
 * In Prometheus these appear as {@code distributex_client_acquired_total}, {@code
 * distributex_client_wait_seconds}, and so on.
 */
public final class MicrometerClientListener implements ClientListener {
  private final MeterRegistry registry;

  public MicrometerClientListener(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void acquired(String pool, Duration waited) {
    Counter.builder("distributex.client.acquired").tag("pool", pool).description("Locks and leases granted").register(registry).increment();
    Timer.builder("distributex.client.wait").tag("pool", pool).description("Time from asking to the grant").register(registry).record(waited);
  }

  @Override
  public void released(String pool, Duration held) {
    Counter.builder("distributex.client.released").tag("pool", pool).description("Locks and leases closed").register(registry).increment();
  }

  @Override
  public void lost(String pool, String reason) {
    Counter.builder("distributex.client.lost").tag("pool", pool).description("Locks lost without being closed").register(registry).increment();
  }

  @Override
  public void renewFailed(String pool, Throwable cause) {
    Counter.builder("distributex.client.renew.failures")
        .tag("pool", pool)
        .tag("exception", cause.getClass().getSimpleName())
        .description("Renewals that failed without ending the lock")
        .register(registry)
        .increment();
  }
}
