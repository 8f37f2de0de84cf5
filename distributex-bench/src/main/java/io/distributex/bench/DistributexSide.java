package io.distributex.bench;

import io.distributex.testing.Await;
import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A Distributex server as an {@link HandoffSide}: host A holds mutex {@code p1} on a keep-alive
 * connection, host B's {@code /wait/} is written on its own and seen queued in {@code /status} (on
 * a third), A's {@code /release/} is timed until B's {@code YES} is parsed; B's token must be above
 * the last one. Then B releases and A takes {@code p1} again.
 */
final class DistributexSide implements HandoffSide {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String POOL = "p1";

  private final String name;
  private final RawHttpConnection holder;
  private final RawHttpConnection waiter;
  private final RawHttpConnection status;
  private long lastToken;

  private DistributexSide(String name, RawHttpConnection holder, RawHttpConnection waiter,
      RawHttpConnection status) {
    this.name = name;
    this.holder = holder;
    this.waiter = waiter;
    this.status = status;
  }

  /** Connects to {@code server}, which must have the test beds' mutex {@code p1}, and takes it as A. */
  static DistributexSide open(String name, InetSocketAddress server) throws IOException {
    DistributexSide side = new DistributexSide(name, RawHttpConnection.open(server, TIMEOUT),
        RawHttpConnection.open(server, TIMEOUT), RawHttpConnection.open(server, TIMEOUT));
    Protocol.expect(side.holder.call("/get/?pool=" + POOL + "&host=A"), "YES", name + ": A's first /get/");
    return side;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void park() throws IOException {
    waiter.send("/wait/?pool=" + POOL + "&host=B");
    Await.until(name + ": B queued in " + POOL, TIMEOUT, Duration.ZERO, () -> status.call("/status"),
        answer -> answer.status() == 200 && Protocol.queuedFirst(answer.body(), POOL, "B"));
  }

  @Override
  public long handOff() throws IOException {
    long start = System.nanoTime();
    holder.send("/release/?pool=" + POOL + "&host=A");
    RawHttpResponse granted = waiter.read();
    long took = System.nanoTime() - start;
    Protocol.expect(granted, "YES", name + ": B's /wait/");
    long token = Long.parseLong(granted.header("X-Distributex-Token"));
    if (token <= lastToken) {
      throw new IllegalStateException(name + ": token " + token + " not above the previous " + lastToken);
    }
    lastToken = token;
    return took;
  }

  @Override
  public void reset() throws IOException {
    Protocol.expect(holder.read(), "OK", name + ": A's /release/");
    Protocol.expect(waiter.call("/release/?pool=" + POOL + "&host=B"), "OK", name + ": B's /release/");
    Protocol.expect(holder.call("/get/?pool=" + POOL + "&host=A"), "YES", name + ": A's /get/ back");
  }

  @Override
  public void close() throws IOException {
    try {
      Protocol.expect(holder.call("/release/?pool=" + POOL + "&host=A"), "OK", name + ": the last release");
    } finally {
      holder.close();
      waiter.close();
      status.close();
    }
  }
}
