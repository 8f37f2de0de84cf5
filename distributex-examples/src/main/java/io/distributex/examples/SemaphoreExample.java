package io.distributex.examples;

import io.distributex.client.DistributedLock;
import io.distributex.client.DistributexClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool with {@code maxlocks: 3} is a counting semaphore for the whole cluster: here six workers,
 * as if on six machines, share three build slots. Each worker has a client of its own, since one
 * client (one identity) holds at most one slot of a pool at a time.
 *
 * <p>Run: {@code java -cp ... io.distributex.examples.SemaphoreExample [SERVER_URI [POOL]]}
 * (without arguments it starts a server whose pool {@code builds} has three slots).
 */
public final class SemaphoreExample {
  private SemaphoreExample() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0) {
      try (ExampleServer server = ExampleServer.start()) {
        run(server.uri(), "builds");
      }
    } else {
      run(URI.create(args[0]), args.length > 1 ? args[1] : "builds");
    }
  }

  static void run(URI server, String pool) throws InterruptedException {
    AtomicInteger building = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      String name = "worker-" + i;
      Thread worker =
          new Thread(
              () -> {
                try (DistributexClient client = DistributexClient.builder().server(server).build();
                    DistributedLock slot = client.lock(pool)) {
                  int now = building.incrementAndGet();
                  mostAtOnce.accumulateAndGet(now, Math::max);
                  System.out.println(name + " builds (" + now + " building, token " + slot.token() + ")");
                  Thread.sleep(100);
                  building.decrementAndGet();
                } catch (InterruptedException stop) {
                  Thread.currentThread().interrupt();
                }
              },
              name);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    System.out.println("all 6 built; at most " + mostAtOnce.get() + " at once");
  }
}
