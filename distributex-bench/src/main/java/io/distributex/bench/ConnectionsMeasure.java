package io.distributex.bench;

import io.distributex.testing.TestKeystore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code connections}: whether idle, half-sent and slow connections delay anyone. For plain HTTP
 * and for HTTPS, a server in a child JVM is timed alone and then under a {@link Flood} (3,000
 * idle, 1,000 half-sent, 200 trickling connections): a normal call ({@code /get/} on a kept-alive
 * connection) and a handoff (a parked {@code /wait/} answered after a release), p50 and p99 of
 * each, with the child's threads, heap and resident memory. Then {@link DescriptorLimit}: the
 * server at its process's limit of open files, with the JDK's connection cap and, for reference,
 * without it. The reference of each figure is the same server in the same run: alone, or
 * without the cap. The quick run floods plain HTTP only, with a tenth of the connections.
 */
final class ConnectionsMeasure implements Measure {
  private static final String ALONE = "alone";
  private static final String FLOODED = "flooded";

  @Override
  public String name() {
    return "connections";
  }

  @Override
  public void run(boolean quick, Report report) throws Exception {
    int idle = quick ? 300 : 3_000;
    int half = quick ? 100 : 1_000;
    int trickle = quick ? 20 : 200;
    int calls = quick ? 30 : 500;
    int handoffs = quick ? 5 : 100;
    report.add(name(), "flood", idle + " idle + " + half + " half-sent + " + trickle + " trickling (a byte each per "
        + Flood.TRICKLE_PERIOD.toMillis() + " ms), opened again when the server closes them");
    int[] flood = {idle, half, trickle};
    flooded(report, null, flood, calls, handoffs);
    if (!quick) {
      Path dir = Files.createTempDirectory("distributex-bench-tls-");
      try {
        flooded(report, TestKeystore.create(dir), flood, calls, handoffs);
      } finally {
        Files.deleteIfExists(dir.resolve("keystore.p12"));
        Files.deleteIfExists(dir);
      }
    }
    new DescriptorLimit(quick).run(report, name());
  }

  private void flooded(Report report, TestKeystore tls, int[] flood, int calls, int handoffs) throws Exception {
    String scheme = tls == null ? "http" : "https";
    List<String> args = tls == null ? List.of("distributex", "20000")
        : List.of("distributex", "20000", tls.file().toString(), tls.password());
    report.note(scheme + ": " + calls + " calls and " + handoffs + " handoffs alone, then flooded");
    ChildProcess child = ChildProcess.start(List.of(), List.of(), args);
    try {
      InetSocketAddress address = new InetSocketAddress(Servers.LOOPBACK, child.port());
      URI base = URI.create(scheme + "://" + Servers.LOOPBACK + ":" + child.port() + "/");
      HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10));
      if (tls != null) {
        builder.sslContext(tls.clientContext());
      }
      HttpClient client = builder.build();
      calls(client, base, calls); // warm-up
      handoffs(client, base, handoffs);
      Stats aloneCalls = calls(client, base, calls);
      Stats aloneHandoffs = handoffs(client, base, handoffs);
      Heap aloneHeap = Heap.parse(child.ask("heap", WaiterRun.ASK_TIMEOUT));
      long aloneRss = ProcFs.residentBytes(child.pid());

      Flood hostile = Flood.start(address, flood[0], flood[1], flood[2], tls != null);
      Stats floodedCalls;
      Stats floodedHandoffs;
      Heap floodedHeap;
      long floodedRss;
      boolean held;
      try {
        held = hostile.awaitEstablished(Duration.ofSeconds(60));
        Thread.sleep(Flood.TRICKLE_PERIOD.toMillis() * 4); // every stalled request reached the server
        floodedCalls = calls(client, base, calls);
        floodedHandoffs = handoffs(client, base, handoffs);
        floodedHeap = Heap.parse(child.ask("heap", WaiterRun.ASK_TIMEOUT));
        floodedRss = ProcFs.residentBytes(child.pid());
      } finally {
        hostile.close();
      }
      String m = name();
      report.check(m, scheme + ": flood held", held, hostile.established() + " connected at the end, "
          + hostile.cut() + " closed by the server and opened again, " + hostile.refused() + " connects refused",
          "only " + hostile.established() + " connected within 60 s");
      report.add(m, scheme + ": call p50 / p99 / max, " + ALONE + " / " + FLOODED,
          triple(aloneCalls) + " / " + triple(floodedCalls));
      report.add(m, scheme + ": handoff p50 / p99 / max, " + ALONE + " / " + FLOODED,
          triple(aloneHandoffs) + " / " + triple(floodedHandoffs));
      report.add(m, scheme + ": server threads " + ALONE + " / " + FLOODED,
          aloneHeap.threads() + " / " + floodedHeap.threads());
      report.add(m, scheme + ": server heap " + ALONE + " / " + FLOODED,
          Stats.mib(aloneHeap.used()) + " / " + Stats.mib(floodedHeap.used()));
      report.add(m, scheme + ": server resident memory " + ALONE + " / " + FLOODED,
          Stats.mib(aloneRss) + " / " + Stats.mib(floodedRss));
    } finally {
      child.close();
    }
    List<String> problems = child.logProblems();
    report.check(name(), scheme + ": child log problems", problems.isEmpty(), "none", String.join(" | ", problems));
  }

  /** {@code n} calls of {@code /get/} on pool other, each answered YES. */
  private static Stats calls(HttpClient client, URI base, int n) throws Exception {
    long[] samples = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      expect(send(client, base, "get/?pool=other&host=x"), "YES");
      samples[i] = System.nanoTime() - start;
    }
    return Stats.of(samples);
  }

  /**
   * {@code n} handoffs of pool held between hosts a and b: the waiter's {@code /wait/} is seen
   * queued in {@code /status}, then the clock runs from the holder's {@code /release/} to the
   * waiter's {@code YES}; the two then swap.
   */
  private static Stats handoffs(HttpClient client, URI base, int n) throws Exception {
    String holder = "a";
    String waiter = "b";
    expect(send(client, base, "get/?pool=held&host=" + holder), "YES");
    long[] samples = new long[n];
    for (int i = 0; i < n; i++) {
      CompletableFuture<HttpResponse<String>> wait =
          client.sendAsync(request(base, "wait/?pool=held&host=" + waiter), HttpResponse.BodyHandlers.ofString());
      String queued = "\"waiters\":[{\"host\":\"" + waiter + "\"";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!send(client, base, "status").body().contains(queued)) {
        if (System.nanoTime() > deadline) {
          throw new IOException(waiter + " not queued within 30 s");
        }
        Thread.sleep(1);
      }
      long start = System.nanoTime();
      expect(send(client, base, "release/?pool=held&host=" + holder), "OK");
      expect(wait.get(30, TimeUnit.SECONDS), "YES");
      samples[i] = System.nanoTime() - start;
      String was = holder;
      holder = waiter;
      waiter = was;
    }
    expect(send(client, base, "release/?pool=held&host=" + holder), "OK");
    return Stats.of(samples);
  }

  private static HttpResponse<String> send(HttpClient client, URI base, String target)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    return client.sendAsync(request(base, target), HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
  }

  private static HttpRequest request(URI base, String target) {
    return HttpRequest.newBuilder(base.resolve(target)).timeout(Duration.ofSeconds(30)).build();
  }

  private static void expect(HttpResponse<String> response, String body) throws IOException {
    if (response.statusCode() != 200 || !response.body().equals(body)) {
      throw new IOException(response.uri() + " answered " + response.statusCode() + " " + response.body());
    }
  }

  private static String triple(Stats stats) {
    return Stats.time(stats.p50()) + " / " + Stats.time(stats.p99()) + " / " + Stats.time(stats.max());
  }
}
