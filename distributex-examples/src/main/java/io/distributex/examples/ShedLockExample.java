package io.distributex.examples;

import io.distributex.client.DistributexClient;
import io.distributex.shedlock.DistributexLockProvider;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;

/**
 * A scheduled job that runs on one node at a time, with ShedLock on Distributex: two nodes (two
 * clients) fire the job {@code nightly-report} while node 1 runs it, and node 2 skips it. The job
 * hands on its fencing token, found with {@link DistributexLockProvider#currentToken(String)}. The
 * server needs a pool named like the job.
 *
 * <p>In Spring, the provider is a bean and the job a method:
 *
 * <pre>{@code
 * @Bean LockProvider lockProvider(DistributexClient client) { return new DistributexLockProvider(client); }
 *
 * @Scheduled(cron = "0 0 2 * * *")
 * @SchedulerLock(name = "nightly-report", lockAtMostFor = "PT30M", lockAtLeastFor = "PT1M")
 * void nightlyReport() { report.run(DistributexLockProvider.currentToken("nightly-report").getAsLong()); }
 * }</pre>
 *
 * <p>Run: {@code java -cp ... io.distributex.examples.ShedLockExample [SERVER_URI [JOB]]}
 */
public final class ShedLockExample {
  private ShedLockExample() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0) {
      try (ExampleServer server = ExampleServer.start()) {
        run(server.uri(), "nightly-report");
      }
    } else {
      run(URI.create(args[0]), args.length > 1 ? args[1] : "nightly-report");
    }
  }

  static void run(URI server, String job) throws InterruptedException {
    try (DistributexClient client1 = DistributexClient.builder().server(server).build();
        DistributexClient client2 = DistributexClient.builder().server(server).build()) {
      LockingTaskExecutor node1 = new DefaultLockingTaskExecutor(new DistributexLockProvider(client1));
      LockingTaskExecutor node2 = new DefaultLockingTaskExecutor(new DistributexLockProvider(client2));

      node1.executeWithLock(
          (Runnable)
              () -> {
                long token = DistributexLockProvider.currentToken(job).getAsLong();
                System.out.println("node 1 runs " + job + " with fencing token " + token);
                // Node 2's scheduler fires meanwhile, on its own thread.
                AtomicBoolean ran = new AtomicBoolean();
                Thread other = new Thread(() -> node2.executeWithLock(job(job, "node 2", ran), schedule(job)));
                other.start();
                try {
                  other.join();
                } catch (InterruptedException stop) {
                  Thread.currentThread().interrupt();
                }
                if (!ran.get()) {
                  System.out.println("node 2 skipped " + job + ": node 1 holds it");
                }
              },
          schedule(job));
      System.out.println("node 1 done");
      node2.executeWithLock(job(job, "node 2", new AtomicBoolean()), schedule(job));
    }
  }

  /** One firing of the job: held for at most 10 minutes, at least nothing. */
  private static LockConfiguration schedule(String job) {
    return new LockConfiguration(ClockProvider.now(), job, Duration.ofMinutes(10), Duration.ZERO);
  }

  /** The job as {@code node} runs it: says so with its fencing token and sets {@code ran}. */
  private static Runnable job(String job, String node, AtomicBoolean ran) {
    return () -> {
      ran.set(true);
      long token = DistributexLockProvider.currentToken(job).getAsLong();
      System.out.println(node + " runs " + job + " with fencing token " + token);
    };
  }
}
