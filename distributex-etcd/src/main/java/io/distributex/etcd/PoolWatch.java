package io.distributex.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An etcd watch on one pool's key that lasts as long as the store: every put is passed on (the
 * newest of each response) in the store's watch thread. The watch requires a leader, so a member cut off
 * from the quorum ends it instead of staying silent; jetcd resumes a watch by itself after
 * transient errors, and one it ends is started again here after a short pause. Everything but
 * passing on runs in the store's watch thread, never in jetcd's event loop. Whenever a watch
 * ended, a change may have been missed, so {@code resumed} is told (the store then reads the
 * value and passes it on).
 */
final class PoolWatch {
  private static final System.Logger LOG = System.getLogger(PoolWatch.class.getName());
  private static final long RETRY_MILLIS = 200;

  private final Supplier<Watch> client;
  private final ByteSequence key;
  private final Consumer<KeyValue> changed;
  private final Runnable resumed;
  private final ScheduledExecutorService thread;
  private Watch.Watcher watcher;
  private boolean closed;

  PoolWatch(
      Supplier<Watch> client,
      ByteSequence key,
      Consumer<KeyValue> changed,
      Runnable resumed,
      ScheduledExecutorService thread) {
    this.client = client;
    this.key = key;
    this.changed = changed;
    this.resumed = resumed;
    this.thread = thread;
  }

  synchronized void start() {
    if (closed) {
      return;
    }
    try {
      watcher =
          client.get().watch(
              key,
              WatchOption.builder().withRequireLeader(true).withNoDelete(true).build(),
              Watch.listener(
                  response ->
                      response.getEvents().stream()
                          .filter(event -> event.getEventType() == WatchEvent.EventType.PUT)
                          .map(WatchEvent::getKeyValue)
                          .reduce((older, newer) -> newer)
                          .ifPresent(stored -> run(() -> changed.accept(stored))),
                  // Never on jetcd's event loop: it must not wait for our lock.
                  failure -> run(() -> restartLater(failure)),
                  () -> run(() -> restartLater(null))));
    } catch (RuntimeException failure) {
      restartLater(failure);
    }
  }

  /** The store has a new client: watch through it (in the store's watch thread). */
  void renew() {
    run(() -> restartLater(null));
  }

  synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
    }
  }

  /** In the store's watch thread: closes the ended watch, tells the engine, starts it again soon. */
  private void restartLater(Throwable failure) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (watcher != null) {
        watcher.close();
        watcher = null;
      }
    }
    if (failure != null) {
      LOG.log(Level.DEBUG, "etcd watch ended, starting it again: " + EtcdStore.describe(failure));
    }
    resumed.run();
    thread.schedule(this::start, RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void run(Runnable task) {
    try {
      thread.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // The store is closing: nobody waits for changes any more.
    }
  }
}
