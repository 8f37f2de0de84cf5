package io.distributex.examples;

import io.distributex.client.DistributedLock;
import io.distributex.client.DistributexClient;
import java.net.URI;
import java.util.Optional;

/**
 * A read-write lock: readers take {@code lockShared} and hold the pool together, a writer takes
 * {@code lock} and holds it alone, once every reader has let go. Each hold has its own fencing
 * token. A client holds one hold per pool, so each reader here has its own client.
 *
 * <p>Run: {@code java -cp ... io.distributex.examples.ReadWriteLockExample [SERVER_URI [POOL]]}
 */
public final class ReadWriteLockExample {
  private ReadWriteLockExample() {}

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
    try (DistributexClient first = DistributexClient.builder().server(server).build();
        DistributexClient second = DistributexClient.builder().server(server).build();
        DistributexClient writer = DistributexClient.builder().server(server).build()) {
      DistributedLock reading = first.lockShared(pool);
      DistributedLock alsoReading = second.lockShared(pool);
      System.out.println("two readers hold " + pool + " together, tokens " + reading.token() + " and "
          + alsoReading.token());

      Optional<DistributedLock> now = writer.tryLock(pool);
      System.out.println("writer's tryLock while they read: " + (now.isPresent() ? "got it" : "busy"));

      reading.close();
      alsoReading.close();
      try (DistributedLock writing = writer.lock(pool)) {
        System.out.println("writer holds " + pool + " alone, token " + writing.token());
      }
    }
  }
}
