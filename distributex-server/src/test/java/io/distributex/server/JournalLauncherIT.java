package io.distributex.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal through the real launcher: a server killed with SIGKILL in the middle of a load
 * keeps, after its restart, every grant it answered and did not see released; and every journal
 * it cannot use stops it before it listens, with status 2 and a line naming the file.
 */
@Timeout(180)
class JournalLauncherIT {
  private static final String CONFIG =
      "journal: journal\npools:\n  - name: p\n    maxlocks: 100000\n    expire: 300\n";

  @RegisterExtension final Launcher launcher = new Launcher();
  @TempDir Path dir;

  private Path config() throws IOException {
    return Files.writeString(dir.resolve("d.yaml"), CONFIG);
  }

  private Process start() throws IOException {
    return launcher.launch(dir, "-c", config().toString(), "-p", "0", "-b", "127.0.0.1");
  }

  @Test
  void aServerKilledMidLoadKeepsEveryAnsweredGrantAndTokensGoOnGrowing() throws Exception {
    Process server = start();
    int port = Launcher.awaitListening(server).port();
    Map<String, Long> held = new ConcurrentHashMap<>();
    Set<String> unsure = ConcurrentHashMap.newKeySet();
    AtomicLong highest = new AtomicLong();
    AtomicBoolean killed = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      int client = c;
      Thread thread = new Thread(() -> load(port, client, held, unsure, highest, killed), "client-" + c);
      thread.start();
      clients.add(thread);
    }
    // Killed once a good number of grants were answered (bounded: 60 s on a loaded machine).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (held.size() < 200 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    killed.set(true);
    server.destroyForcibly(); // SIGKILL: the launcher execs the JVM
    assertTrue(server.waitFor(10, TimeUnit.SECONDS));
    for (Thread client : clients) {
      client.join(30_000);
      assertFalse(client.isAlive());
    }
    assertTrue(held.size() > 10, "the load granted something: " + held.size());

    Process again = start();
    int restarted = Launcher.awaitListening(again).port();
    String status = get(restarted, "/status");
    int checked = 0;
    for (Map.Entry<String, Long> grant : held.entrySet()) {
      if (unsure.contains(grant.getKey())) {
        continue;
      }
      String holder = "{\"host\":\"" + grant.getKey() + "\",\"token\":" + grant.getValue() + ",";
      assertTrue(status.contains(holder), grant + " was answered YES and never released");
      checked++;
    }
    assertTrue(checked > 10, "checked " + checked);
    String answer = get(restarted, "/get/?pool=p&host=after-restart");
    assertEquals("YES", answer);
    long token = token(restarted, "after-restart");
    assertTrue(token > highest.get(), "token " + token + " after " + highest.get());
  }

  /** Takes and releases slots as host {@code c-N}, recording what the server answered. */
  private static void load(
      int port, int client, Map<String, Long> held, Set<String> unsure, AtomicLong highest, AtomicBoolean killed) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int n = 0; !killed.get() && n < 1_000_000; n++) {
      String host = client + "-" + n;
      try {
        unsure.add(host);
        HttpResponse<String> got = http.send(request(port, "/get/?pool=p&host=" + host), HttpResponse.BodyHandlers.ofString());
        if (!got.body().equals("YES")) {
          throw new AssertionError("answered " + got.body());
        }
        long token = Long.parseLong(got.headers().firstValue("X-Distributex-Token").orElseThrow());
        highest.accumulateAndGet(token, Math::max);
        held.put(host, token);
        unsure.remove(host);
        if (n % 3 == 0) {
          unsure.add(host);
          http.send(request(port, "/release/?pool=p&host=" + host), HttpResponse.BodyHandlers.ofString());
          held.remove(host);
          unsure.remove(host);
        }
      } catch (IOException | InterruptedException gone) {
        return; // the server was killed: this host's last call has an unknown outcome
      }
    }
  }

  @Test
  void aSecondServerOnTheSameJournalStopsWithStatus2() throws Exception {
    Process first = start();
    Launcher.awaitListening(first);
    String output = Launcher.awaitExit(start(), 2);
    assertTrue(output.contains("journal " + dir.resolve("journal")), output);
    assertTrue(output.contains("in use by another running server"), output);
  }

  @Test
  void aDamagedJournalStopsItWithStatus2NamingTheOffsetAndIsLeftAlone() throws Exception {
    Process server = start();
    int port = Launcher.awaitListening(server).port();
    for (int i = 0; i < 5; i++) {
      assertEquals("YES", get(port, "/get/?pool=p&host=h" + i));
    }
    server.destroy();
    assertTrue(server.waitFor(10, TimeUnit.SECONDS));
    Path journal = dir.resolve("journal");
    byte[] damaged = Files.readAllBytes(journal);
    damaged[10] ^= 0x01; // inside the first record: four good ones follow
    Files.write(journal, damaged);

    String output = Launcher.awaitExit(start(), 2);
    assertTrue(output.contains("journal " + journal + ": damaged at offset 0 "), output);
    assertArrayEquals(damaged, Files.readAllBytes(journal));
  }

  @Test
  void aJournalThatIsADirectoryStopsItWithStatus2() throws Exception {
    Files.createDirectory(dir.resolve("journal"));
    String output = Launcher.awaitExit(start(), 2);
    assertTrue(output.contains("journal " + dir.resolve("journal") + ": not a regular file"), output);
  }

  @Test
  void aJournalItMayNotWriteStopsItWithStatus2() throws Exception {
    // Run as nobody (root may write anywhere): the journal is root's and read-only to others.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    config();
    Path journal = Files.writeString(dir.resolve("journal"), "");
    Files.writeString(dir.resolve("journal.lock"), "");
    Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(dir.resolve("journal.lock"), PosixFilePermissions.fromString("rw-rw-rw-"));
    List<String> asNobody =
        List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all");
    Process server =
        launcher.launchWith(asNobody, "", dir, "-c", dir.resolve("d.yaml").toString(), "-p", "0");
    String output = Launcher.awaitExit(server, 2);
    assertTrue(output.contains("journal " + journal + ": not writable"), output);
  }

  private static HttpRequest request(int port, String target) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target)).timeout(Duration.ofSeconds(10)).build();
  }

  private static String get(int port, String target) throws Exception {
    return HttpClient.newHttpClient().send(request(port, target), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static long token(int port, String host) throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient().send(request(port, "/get/?pool=p&host=" + host), HttpResponse.BodyHandlers.ofString());
    return Long.parseLong(answer.headers().firstValue("X-Distributex-Token").orElseThrow());
  }
}
