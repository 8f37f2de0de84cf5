package io.distributex.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.core.InMemoryBackend;
import io.distributex.core.Pool;
import io.distributex.server.DistributexServer;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs each client example's main, as a user would, and checks what it printed. */
@Timeout(60)
class ClientExamplesTest {
  @Test
  void tryWithResourcesExample() throws Exception {
    String out = StandardOutput.capture(() -> TryWithResourcesExample.main(new String[0]));
    assertTrue(out.matches("(?s)holding deploy as .+ with fencing token \\d+\\s+step 1 done\\s+step 2 done\\s+"
        + "step 3 done\\s+released deploy\\s*"), out);
  }

  @Test
  void tryWithResourcesExampleAgainstAServerGivenByUri() throws Exception {
    InMemoryBackend backend = InMemoryBackend.builder().pools(List.of(Pool.mutex("pool1"))).build();
    try (backend;
        DistributexServer server = DistributexServer.builder().backend(backend).bind("127.0.0.1").port(0).start()) {
      String out = StandardOutput.capture(() -> TryWithResourcesExample.main(new String[] {server.uri().toString(), "pool1"}));
      assertTrue(out.contains("released pool1"), out);
      assertTrue(backend.snapshot().get(0).holders().isEmpty());
    }
  }

  @Test
  void semaphoreExample() throws Exception {
    String out = StandardOutput.capture(() -> SemaphoreExample.main(new String[0]));
    assertTrue(out.split("builds \\(", -1).length - 1 == 6, out);
    Matcher most = Pattern.compile("at most (\\d+) at once").matcher(out);
    assertTrue(most.find(), out);
    int atOnce = Integer.parseInt(most.group(1));
    assertTrue(atOnce >= 1 && atOnce <= 3, out);
  }

  @Test
  void tryLockTimeoutExample() throws Exception {
    String out = StandardOutput.capture(() -> TryLockTimeoutExample.main(new String[0]));
    assertTrue(out.contains("tryLock: busy"), out);
    assertTrue(out.contains("tryLock for 300 ms: busy, gave up"), out);
    assertTrue(out.matches("(?s).*tryLock for 30 s: got it when the holder released, token \\d+.*"), out);
  }

  @Test
  void readWriteLockExample() throws Exception {
    String out = StandardOutput.capture(() -> ReadWriteLockExample.main(new String[0]));
    assertTrue(out.matches("(?s).*two readers hold deploy together, tokens \\d+ and \\d+.*"), out);
    assertTrue(out.contains("writer's tryLock while they read: busy"), out);
    assertTrue(out.matches("(?s).*writer holds deploy alone, token \\d+.*"), out);
  }

  @Test
  void embeddedServerAndClientExample() throws Exception {
    String out = StandardOutput.capture(() -> EmbeddedServerAndClientExample.main(new String[0]));
    assertTrue(out.matches("(?s).*client holds reports, token \\d+, until .*"), out);
    assertTrue(out.contains("holders seen by the server: 1"), out);
    assertTrue(out.contains("holders after release: 0"), out);
  }

  @Test
  void shedLockExample() throws Exception {
    String out = StandardOutput.capture(() -> ShedLockExample.main(new String[0]));
    Matcher runs = Pattern.compile("node (\\d) runs nightly-report with fencing token (\\d+)").matcher(out);
    assertTrue(runs.find() && runs.group(1).equals("1"), out);
    long first = Long.parseLong(runs.group(2));
    assertTrue(out.contains("node 2 skipped nightly-report: node 1 holds it"), out);
    assertTrue(runs.find() && runs.group(1).equals("2"), out);
    assertTrue(Long.parseLong(runs.group(2)) > first, "fencing tokens increase: " + out);
  }

  @Test
  void micrometerExample() throws Exception {
    String out = StandardOutput.capture(() -> MicrometerExample.main(new String[0]));
    assertTrue(out.contains("acquired: 2"), out);
    assertTrue(out.contains("released: 2"), out);
    assertTrue(out.contains("wait timer count: 2"), out);
  }
}
