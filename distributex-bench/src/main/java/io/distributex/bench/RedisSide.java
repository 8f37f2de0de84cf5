package io.distributex.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Redis as an {@link HandoffSide}, locked the way Redisson locks it: {@code SET key owner NX PX},
 * unlocked by a script that deletes the key only for its owner and publishes on the lock's
 * channel; the waiter, subscribed to that channel, tries again on each message. Host A holds
 * {@code p1}; B's {@code SET NX} fails and B listens; A's unlock is timed until B's retried {@code
 * SET} answers {@code OK}. Each host has its own connection, and B a second one for the
 * subscription, all {@link RespConnection}s.
 */
final class RedisSide implements HandoffSide {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String KEY = "p1";
  private static final String CHANNEL = "redisson_lock__channel:{p1}";
  private static final String LEASE_MILLIS = "30000";
  private static final String UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then "
      + "redis.call('del', KEYS[1]); redis.call('publish', KEYS[2], ARGV[2]); return 1 end; return 0";

  private final RespConnection holder;
  private final RespConnection waiter;
  private final RespConnection subscription;
  private final String unlock;

  private RedisSide(RespConnection holder, RespConnection waiter, RespConnection subscription) throws IOException {
    this.holder = holder;
    this.waiter = waiter;
    this.subscription = subscription;
    this.unlock = (String) holder.call("SCRIPT", "LOAD", UNLOCK);
  }

  /** Connects to the Redis at {@code server}, subscribes B and takes the lock as A. */
  static RedisSide open(InetSocketAddress server) throws IOException {
    RedisSide side = new RedisSide(RespConnection.open(server, TIMEOUT), RespConnection.open(server, TIMEOUT),
        RespConnection.open(server, TIMEOUT));
    expect(side.subscription.call("SUBSCRIBE", CHANNEL), List.of("subscribe", CHANNEL, 1L), "B's SUBSCRIBE");
    expect(side.lock("A", side.holder), "OK", "A's first SET NX");
    return side;
  }

  @Override
  public String name() {
    return "Redis (Redisson scheme)";
  }

  @Override
  public void park() throws IOException {
    expect(lock("B", waiter), null, "B's SET NX while A holds");
  }

  @Override
  public long handOff() throws IOException {
    long start = System.nanoTime();
    holder.send("EVALSHA", unlock, "2", KEY, CHANNEL, "A", "0");
    do {
      expect(subscription.read(), List.of("message", CHANNEL, "0"), "the unlock message");
    } while (!"OK".equals(lock("B", waiter)));
    return System.nanoTime() - start;
  }

  @Override
  public void reset() throws IOException {
    expect(holder.read(), 1L, "A's unlock");
    expect(waiter.call("EVALSHA", unlock, "2", KEY, CHANNEL, "B", "0"), 1L, "B's unlock");
    expect(subscription.read(), List.of("message", CHANNEL, "0"), "B's unlock message");
    expect(lock("A", holder), "OK", "A's SET NX back");
  }

  @Override
  public void close() throws IOException {
    try {
      expect(holder.call("EVALSHA", unlock, "2", KEY, CHANNEL, "A", "0"), 1L, "the last unlock");
    } finally {
      holder.close();
      waiter.close();
      subscription.close();
    }
  }

  private Object lock(String owner, RespConnection connection) throws IOException {
    return connection.call("SET", KEY, owner, "NX", "PX", LEASE_MILLIS);
  }

  private static void expect(Object reply, Object expected, String what) {
    if (expected == null ? reply != null : !expected.equals(reply)) {
      throw new IllegalStateException("redis, " + what + ": expected " + expected + ", got " + reply);
    }
  }
}
