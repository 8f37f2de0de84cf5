package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.distributex.core.InMemoryBackend;
import io.distributex.core.LockBackend;
import io.distributex.core.Pool;
import io.distributex.server.config.DistributexConfig;
import io.distributex.testing.Await;
import io.distributex.testing.RawHttpConnection;
import io.distributex.testing.RawHttpResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which thread writes a parked wait's answer. The handler's answer threads are replaced by a queue
 * that runs nothing unless the test does: a handoff must still reach the waiter, written by the
 * thread that served the {@code /release/} (without the fix, the answer sits in that queue and the
 * waiter is never answered), while a wait that ends on its own (a timeout, on the backend's timer)
 * still goes to the answer threads.
 */
class ParkedAnswerThreadTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final BlockingQueue<Runnable> queuedAnswers = new LinkedBlockingQueue<>();
  private LockBackend backend;
  private HttpServer http;
  private ExecutorService requests;
  private ScheduledExecutorService watch;

  @BeforeEach
  void start() throws Exception {
    backend = InMemoryBackend.builder().pools(List.of(Pool.mutex("p"))).build();
    watch = ServerThreads.forWatch();
    // Patience longer than the test: no own answer is handed to the (queued) answer threads.
    WaitersFirst waitersFirst = new WaitersFirst(queuedAnswers::add, watch, Duration.ofMinutes(1));
    LockHandler handler = new LockHandler(backend, queuedAnswers::add, waitersFirst,
        new Access(DistributexConfig.defaults().auth()), new Metrics(List.of("p")));
    requests = Executors.newCachedThreadPool();
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(requests);
    http.createContext("/", handler);
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
    requests.shutdownNow();
    watch.shutdownNow();
    backend.close();
  }

  @Test
  void theReleasingRequestWritesTheWaitersAnswerItself() throws Exception {
    try (RawHttpConnection holder = RawHttpConnection.open(http.getAddress(), TIMEOUT);
        RawHttpConnection waiter = RawHttpConnection.open(http.getAddress(), TIMEOUT)) {
      assertTrue(holder.call("/get/?pool=p&host=a").is("YES"));
      waiter.send("/wait/?pool=p&host=b");
      Await.until("b queued", TIMEOUT, Duration.ofMillis(10),
          () -> backend.snapshot().get(0).waiters().size(), size -> size == 1);

      assertTrue(holder.call("/release/?pool=p&host=a").is("OK"));
      RawHttpResponse granted = waiter.read();

      assertTrue(granted.is("YES"), () -> "b's answer: " + granted);
      assertEquals(List.of(), List.copyOf(queuedAnswers), "answers handed to the answer threads");
    }
  }

  @Test
  void aWaitThatTimesOutIsAnsweredByTheAnswerThreads() throws Exception {
    try (RawHttpConnection holder = RawHttpConnection.open(http.getAddress(), TIMEOUT);
        RawHttpConnection waiter = RawHttpConnection.open(http.getAddress(), TIMEOUT)) {
      assertTrue(holder.call("/get/?pool=p&host=a").is("YES"));
      waiter.send("/wait/?pool=p&host=b&timeout=1");

      Runnable answer = queuedAnswers.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(answer != null, "the timed-out wait's answer reached the answer threads");
      answer.run();

      assertTrue(waiter.read().is("NO"));
    }
  }
}
