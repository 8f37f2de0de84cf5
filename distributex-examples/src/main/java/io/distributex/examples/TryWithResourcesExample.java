package io.distributex.examples;

import io.distributex.client.DistributedLock;
import io.distributex.client.DistributexClient;
import java.net.URI;

/**
 * The everyday use: hold a cluster-wide lock for the length of a block, released however the
 * block ends. While held, the lock renews itself; should it be lost (the server restarted and
 * forgot it, or stayed unreachable for a whole lease), {@code isHeld()} turns false and the
 * listener runs, so the work can stop.
 *
 * <p>Run: {@code java -cp ... io.distributex.examples.TryWithResourcesExample [SERVER_URI [POOL]]}
 * (without arguments it starts a server of its own; the pool defaults to {@code deploy}).
 */
public final class TryWithResourcesExample {
  private TryWithResourcesExample() {}

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
    try (DistributexClient client = DistributexClient.builder().server(server).build()) {
      try (DistributedLock lock = client.lock(pool)) {
        Thread worker = Thread.currentThread();
        lock.onLost(worker::interrupt); // stop the work if the lock goes away under it
        System.out.println("holding " + lock.pool() + " as " + client.identity() + " with fencing token " + lock.token());
        for (int step = 1; step <= 3 && lock.isHeld(); step++) {
          System.out.println("step " + step + " done");
        }
      }
      System.out.println("released " + pool);
    }
  }
}
