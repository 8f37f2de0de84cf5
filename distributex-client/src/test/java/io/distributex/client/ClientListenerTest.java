package io.distributex.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a client tells its {@link ClientListener}, and that a failing listener changes nothing. */
@Timeout(60)
class ClientListenerTest {
  private TestServer server;
  private DistributexClient client;
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  /** Records each event as one line: "acquired mutex", "renewFailed mutex", ... */
  private final ClientListener recorder =
      new ClientListener() {
        @Override
        public void acquired(String pool, Duration waited) {
          events.add("acquired " + pool + (waited.isNegative() ? " negative" : ""));
        }

        @Override
        public void released(String pool, Duration held) {
          events.add("released " + pool + (held.isNegative() ? " negative" : ""));
        }

        @Override
        public void lost(String pool, String reason) {
          events.add("lost " + pool);
        }

        @Override
        public void renewFailed(String pool, Throwable cause) {
          events.add("renewFailed " + pool + " " + cause.getClass().getSimpleName());
        }
      };

  @BeforeEach
  void start() {
    server = TestServer.start();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  @Test
  void locksAndLeasesTellAcquiredAndReleased() throws Exception {
    client = server.client().listener(recorder).build();
    client.lock("mutex").close();
    client.tryLease("other", Duration.ofMinutes(1)).orElseThrow().close();
    assertEquals("acquired mutex", next());
    assertEquals("released mutex", next());
    assertEquals("acquired other", next());
    assertEquals("released other", next());
  }

  @Test
  void aLockTheServerForgetsIsLost() throws Exception {
    client = server.client().listener(recorder).lease(Duration.ofMillis(900)).build();
    DistributedLock lock = client.lock("mutex");
    assertEquals("acquired mutex", next());
    server.restart(); // an in-memory server without journal forgets its holds: renewal is refused
    assertEquals("lost mutex", next());
    assertTrue(!lock.isHeld());
  }

  @Test
  void aRenewalThatCannotReachTheServerIsTold() throws Exception {
    client = server.client().listener(recorder).lease(Duration.ofMillis(900)).requestTimeout(Duration.ofSeconds(1)).build();
    client.lock("mutex");
    assertEquals("acquired mutex", next());
    server.close();
    assertEquals("renewFailed mutex ServerUnavailableException", next());
  }

  @Test
  void aListenerThatThrowsChangesNothingForTheLock() throws Exception {
    ClientListener failing =
        new ClientListener() {
          @Override
          public void acquired(String pool, Duration waited) {
            throw new IllegalStateException("a listener bug");
          }

          @Override
          public void released(String pool, Duration held) {
            events.add("released " + pool);
          }
        };
    client = server.client().listener(failing).build();
    try (DistributedLock lock = client.lock("mutex")) {
      assertTrue(lock.isHeld());
      assertEquals(1, server.holders("mutex").size());
    }
    assertEquals("released mutex", next());
    assertTrue(client.tryLock("mutex").isPresent());
  }

  private String next() throws InterruptedException {
    String event = events.poll(TestServer.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertTrue(event != null, "no event within " + TestServer.PATIENCE);
    return event;
  }
}
