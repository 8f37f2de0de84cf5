package io.distributex.examples;

import io.distributex.client.DistributedLock;
import io.distributex.client.DistributexClient;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Waiting a bounded time: {@code tryLock(pool, timeout)} queues like {@code lock} but gives up when
 * the time runs out, answering an empty {@code Optional} (busy is a value, not an exception), and
 * the client is then no longer in the queue. {@code tryLock(pool)} does not wait at all.
 *
 * <p>Run: {@code java -cp ... io.distributex.examples.TryLockTimeoutExample [SERVER_URI [POOL]]}
 */
public final class TryLockTimeoutExample {
  private TryLockTimeoutExample() {}

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
    try (DistributexClient holder = DistributexClient.builder().server(server).build();
        DistributexClient patient = DistributexClient.builder().server(server).build()) {
      DistributedLock held = holder.lock(pool);
      System.out.println("holder took " + pool);

      Optional<DistributedLock> now = patient.tryLock(pool);
      System.out.println("tryLock: " + (now.isPresent() ? "got it" : "busy"));

      Optional<DistributedLock> briefly = patient.tryLock(pool, Duration.ofMillis(300));
      System.out.println("tryLock for 300 ms: " + (briefly.isPresent() ? "got it" : "busy, gave up"));

      Thread releaser =
          new Thread(
              () -> {
                try {
                  Thread.sleep(200);
                } catch (InterruptedException stop) {
                  Thread.currentThread().interrupt();
                }
                held.close();
              });
      releaser.start();
      Optional<DistributedLock> patiently = patient.tryLock(pool, Duration.ofSeconds(30));
      try (DistributedLock lock = patiently.orElseThrow()) {
        System.out.println("tryLock for 30 s: got it when the holder released, token " + lock.token());
      }
      releaser.join();
    }
  }
}
