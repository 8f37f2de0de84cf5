package io.distributex.server;

import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's threads: those that read requests and serve them, and those that write the answers
 * of waiting requests.
 *
 * <p>The JDK's server reads a request's line and
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
 *
 * <p>Answers to waiting requests are written by a fixed pool of their own, with a queue: an answer
 * is queued, never refused, whatever slow clients hold. One more thread watches for answers held
 * up by a waiter that does not read ({@link WaitersFirst}).
 */
final class ServerThreads {
  /** Platform threads at most, below the usual task limits (systemd: 15% of 32,768). */
  static final int PLATFORM_LIMIT = 2_000;

  private static final System.Logger LOG = System.getLogger(ServerThreads.class.getName());
  private static final int FIRST_VIRTUAL = 24;
  private static final long WARNING_INTERVAL = TimeUnit.SECONDS.toNanos(10);

  private ServerThreads() {}

  /** For reading and serving requests: virtual threads on JDK 24 and newer, else platform ones. */
  static ExecutorService forRequests() {
    return Runtime.version().feature() >= FIRST_VIRTUAL ? virtual() : platform(PLATFORM_LIMIT);
  }

  /** For writing the answers of waiting requests: {@code threads} platform threads at most. */
  static ExecutorService forAnswers(int threads) {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons("distributex-answer-"));
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** One thread for the server's periodic checks ({@link WaitersFirst}'s watch). */
  static ScheduledExecutorService forWatch() {
    ScheduledThreadPoolExecutor watch = new ScheduledThreadPoolExecutor(1, daemons("distributex-watch-"));
    watch.setRemoveOnCancelPolicy(true);
    return watch;
  }

  /** Platform threads, at most {@code limit}, none kept waiting: beyond, execute() throws. */
  static ExecutorService platform(int limit) {
    AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL);
    AtomicLong refused = new AtomicLong();
    return new ThreadPoolExecutor(
        0,
        limit,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        daemons("distributex-http-"),
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

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static ExecutorService virtual() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException impossible) {
      throw new IllegalStateException("JDK " + Runtime.version() + " has no virtual threads", impossible);
    }
  }
}
