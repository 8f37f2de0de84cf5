package io.distributex.etcd;

import io.distributex.core.BackendUnavailableException;
import io.distributex.core.shared.SharedStore;
import io.distributex.core.shared.StoredValue;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Pool states in etcd, one key per pool ({@code PREFIX pools/ NAME}), read with a linearizable
 * range and written by a transaction that puts the value only if the key's {@code mod_revision}
 * is still the one read (0: the key does not exist yet), so two servers can never both act on the
 * same version. A write etcd answered is committed by a quorum and on disk: it survives the loss
 * of a minority of members and a restart of all of them. Every failure to reach a quorum within
 * the operation timeout becomes a {@link BackendUnavailableException}; a write whose answer never
 * came is one too, and the engine treats its outcome as unknown.
 *
 * <p>gRPC waits longer and longer between attempts to reconnect; after calls have failed for 3 s
 * the store replaces its client, so it finds etcd again within seconds of its return, however
 * long the outage was.
 *
 * <p>Each pool's key is watched ({@link PoolWatch}), so a change by another server reaches this
 * one as a push; changes this store wrote itself are recognised by their revision and not passed
 * on.
 */
final class EtcdStore implements SharedStore {
  /** etcd refuses requests over 1.5 MiB unless told otherwise; a queue that would not fit is refused. */
  private static final int MAX_VALUE_BYTES = 1024 * 1024;

  /**
   * How long calls fail before the client is replaced: gRPC waits longer and longer between
   * attempts to reconnect (up to two minutes), so after a long outage a new client finds etcd back
   * sooner than the old one would.
   */
  private static final long RECONNECT_AFTER_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final Supplier<Client> clients;
  private volatile Client client;
  private final String prefix;
  private final long timeoutMillis;
  /** Per key, the revision of this store's last write, so its watch skips our own changes. */
  private final Map<ByteSequence, Long> ownWrites = new ConcurrentHashMap<>();
  private final List<PoolWatch> watches = new CopyOnWriteArrayList<>();
  /** Runs watch callbacks (which may block on etcd) and renews broken watches. */
  private final ScheduledExecutorService watching;

  /** When calls started to fail as unavailable (0 while they succeed), and the last new client. */
  private long failingSince;
  private long replacedAt = System.nanoTime();

  EtcdStore(Supplier<Client> clients, String prefix, long timeoutMillis) {
    this.clients = clients;
    this.client = clients.get();
    this.prefix = prefix;
    this.timeoutMillis = timeoutMillis;
    this.watching =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "distributex-etcd-watch");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** The key of a pool: etcd keys are bytes, so any pool name is fine as it is. */
  ByteSequence key(String pool) {
    return bytes(prefix + "pools/" + pool);
  }

  @Override
  public StoredValue read(String pool) {
    GetResponse answer = call(kv -> kv.get(key(pool)));
    if (answer.getKvs().isEmpty()) {
      return new Revisioned(null, 0);
    }
    var stored = answer.getKvs().get(0);
    return new Revisioned(stored.getValue().getBytes(), stored.getModRevision());
  }

  @Override
  public Optional<StoredValue> write(String pool, StoredValue read, byte[] value) {
    ByteSequence key = key(pool);
    long revision = ((Revisioned) read).revision();
    TxnResponse answer =
        call(
            kv -> kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revision)))
                .Then(Op.put(key, ByteSequence.from(value), PutOption.DEFAULT))
                .commit());
    if (!answer.isSucceeded()) {
      return Optional.empty();
    }
    long written = answer.getHeader().getRevision();
    ownWrites.merge(key, written, Math::max);
    return Optional.of(new Revisioned(value, written));
  }

  @Override
  public void watch(String pool, Consumer<StoredValue> changed) {
    ByteSequence key = key(pool);
    PoolWatch watch =
        new PoolWatch(
            () -> client.getWatchClient(),
            key,
            stored -> {
              if (ownWrites.getOrDefault(key, 0L) != stored.getModRevision()) {
                changed.accept(new Revisioned(stored.getValue().getBytes(), stored.getModRevision()));
              }
            },
            () -> {
              try {
                changed.accept(read(pool));
              } catch (BackendUnavailableException unreachable) {
                // The engine's poll reads again; the watch is being restored meanwhile.
              }
            },
            watching);
    watches.add(watch);
    watch.start();
  }

  /** A linearizable read: answers only while the cluster has a leader and a quorum. */
  @Override
  public void ping() {
    call(kv -> kv.get(bytes(prefix + "ping"), GetOption.builder().withCountOnly(true).build()));
  }

  @Override
  public int maxValueBytes() {
    return MAX_VALUE_BYTES;
  }

  @Override
  public void close() {
    watches.forEach(PoolWatch::close);
    watching.shutdown(); // after closing the clients this store replaced
    try {
      watching.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    watching.shutdownNow();
    client.close();
  }

  private <T> T call(Function<KV, CompletableFuture<T>> request) {
    CompletableFuture<T> operation = request.apply(client.getKVClient());
    try {
      T answer = operation.get(timeoutMillis, TimeUnit.MILLISECONDS);
      answered();
      return answer;
    } catch (TimeoutException slow) {
      operation.cancel(true);
      failed();
      throw new BackendUnavailableException(
          "etcd: no answer within " + timeoutMillis + " ms (no quorum, or no member reachable)", slow);
    } catch (ExecutionException failed) {
      failed();
      throw new BackendUnavailableException("etcd: " + describe(failed.getCause()), failed.getCause());
    } catch (InterruptedException interrupted) {
      operation.cancel(true);
      Thread.currentThread().interrupt();
      throw new BackendUnavailableException("interrupted while talking to etcd", interrupted);
    }
  }

  private synchronized void answered() {
    failingSince = 0;
  }

  /**
   * After calls have failed for a while, replaces the client (and moves the watches to the new
   * one); at most once per {@link #RECONNECT_AFTER_NANOS}.
   */
  private void failed() {
    Client old;
    synchronized (this) {
      long now = System.nanoTime();
      if (failingSince == 0) {
        failingSince = now;
        return;
      }
      if (now - failingSince < RECONNECT_AFTER_NANOS || now - replacedAt < RECONNECT_AFTER_NANOS) {
        return;
      }
      replacedAt = now;
      old = client;
      client = clients.get();
    }
    watches.forEach(PoolWatch::renew);
    watching.execute(old::close);
  }

  static String describe(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  /** A value as etcd holds it: null when absent; its {@code mod_revision} (0 when absent). */
  private record Revisioned(byte[] value, long revision) implements StoredValue {
    @Override
    public Optional<byte[]> bytes() {
      return Optional.ofNullable(value);
    }
  }
}
