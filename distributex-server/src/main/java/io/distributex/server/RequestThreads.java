package io.distributex.server;

import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that read requests and serve them. The JDK's server reads a request's line and
 * headers (and does the TLS handshake) with blocking reads on the thread it hands the connection
 * to, as soon as the first byte has arrived: a client that sends its request slowly holds that
 * thread until the request is whole or {@code maxReqTime} cuts it. So no request may ever wait for
 * a thread: a slow client must cost memory, not other clients' time.
 *
 * <ul>
 *   <li>JDK 24 and newer: a virtual thread per request. A blocked read parks it and frees its
 *       carrier. From JDK 24 on a virtual thread inside {@code synchronized} no longer holds its
 *       carrier (JEP 491), which the lock model's pools and the journal rely on.
 *   <li>Older JDKs (17): platform threads, one per request being read or served, created when none
 *       is free and ended after 30 s unused, never queued. At most {@link #PLATFORM_LIMIT} at once
 *       (a thread costs memory, a kernel task and a process id); a request beyond that is refused
 *       by closing its connection at once, and logged.
 * </ul>
 */
final class RequestThreads {
  /** Platform threads at most, below the usual task limits (systemd: 15% of 32,768). */
  static final int PLATFORM_LIMIT = 2_000;

  private static final System.Logger LOG = System.getLogger(RequestThreads.class.getName());
  private static final int FIRST_VIRTUAL = 24;
  private static final long WARNING_INTERVAL = TimeUnit.SECONDS.toNanos(10);

  private RequestThreads() {}

  /** Virtual threads on JDK 24 and newer, else bounded platform threads. */
  static ExecutorService create() {
    return Runtime.version().feature() >= FIRST_VIRTUAL ? virtual() : platform(PLATFORM_LIMIT);
  }

  /** Platform threads, at most {@code limit}, none kept waiting: beyond, execute() throws. */
  static ExecutorService platform(int limit) {
    AtomicInteger count = new AtomicInteger();
    AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL);
    AtomicLong refused = new AtomicLong();
    return new ThreadPoolExecutor(
        0,
        limit,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        task -> {
          Thread thread = new Thread(task, "distributex-http-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        },
        (task, pool) -> {
          refused.incrementAndGet();
          long now = System.nanoTime();
          long last = lastWarning.get();
          if (now - last >= WARNING_INTERVAL && lastWarning.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, "all " + limit + " request threads are busy reading or serving"
                + " requests: " + refused.getAndSet(0) + " connections closed unserved since the last"
                + " warning (JDK " + Runtime.version().feature() + "; from JDK 24 on, requests get"
                + " virtual threads)");
          }
          // The JDK's server closes the connection when its executor refuses.
          throw new RejectedExecutionException("all " + limit + " request threads busy");
        });
  }

  private static ExecutorService virtual() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException impossible) {
      throw new IllegalStateException("JDK " + Runtime.version() + " has no virtual threads", impossible);
    }
  }
}
