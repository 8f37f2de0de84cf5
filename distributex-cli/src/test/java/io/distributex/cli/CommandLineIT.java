package io.distributex.cli;

import static io.distributex.client.TestServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.distributex.client.DistributexClient;
import io.distributex.client.StubServer;
import io.distributex.client.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code bin/distributex} launcher, as cron would, against an embedded server
 * (docs/cli.md). Every wait is bounded; nothing asserts how long something took.
 */
@Timeout(120)
class CommandLineIT {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  private static final Path LAUNCHER = HOME.resolve("bin/distributex");
  /** Bound for a run that should end by itself; generous for a loaded 2-core machine. */
  private static final long RUN_BOUND_SECONDS = 60;

  @TempDir Path dir;

  private TestServer server;
  private final List<Process> started = new ArrayList<>();
  private final List<DistributexClient> clients = new ArrayList<>();
  private final AtomicInteger runs = new AtomicInteger();

  @BeforeEach
  void start() {
    server = TestServer.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Process process : started) {
      // COMMAND runs in a session of its own, but it is still a descendant of its launcher.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    clients.forEach(DistributexClient::close);
    server.close();
  }

  // ---- one run after another: mutual exclusion, all run ----

  @Test
  void twoConcurrentRunsNeverOverlapAndBothRun() throws Exception {
    assertRunsTakeTurns(2);
  }

  @Test
  void tenConcurrentRunsNeverOverlapAndAllRun() throws Exception {
    assertRunsTakeTurns(10);
  }

  private void assertRunsTakeTurns(int count) throws Exception {
    Path log = dir.resolve("log");
    String record =
        "echo \"start $DISTRIBUTEX_HOST $DISTRIBUTEX_TOKEN\" >> '" + log + "'; sleep 0.2; "
            + "echo \"end $DISTRIBUTEX_HOST\" >> '" + log + "'";
    List<Run> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(launch(server, "--id", "host-" + i, record));
    }
    for (Run run : all) {
      assertEquals(0, run.awaitExit(), run.describe());
    }
    List<String> lines = Files.readAllLines(log);
    assertEquals(2 * count, lines.size(), String.join("\n", lines));
    Set<String> hosts = new HashSet<>();
    long lastToken = 0;
    for (int i = 0; i < lines.size(); i += 2) {
      String[] start = lines.get(i).split(" ");
      assertEquals("start", start[0], "a run started inside another's: " + lines);
      assertEquals("end " + start[1], lines.get(i + 1), "a run started inside another's: " + lines);
      assertTrue(hosts.add(start[1]), "ran twice: " + start[1]);
      long token = Long.parseLong(start[2]);
      assertTrue(token > lastToken, "tokens increase in the order the runs held the pool: " + lines);
      lastToken = token;
    }
    assertEquals(count, hosts.size());
  }

  /**
   * Runs with --shared hold the pool together (each waits, bounded, until the other has started),
   * and a run without it waits for them: here, beside a shared hold, it gives up after -w.
   */
  @Test
  void sharedRunsRunTogetherAndAnExclusiveRunWaitsForThem() throws Exception {
    String meet = "touch '%s'; i=0; while [ ! -e '%s' ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; [ -e '%s' ]";
    Path a = dir.resolve("a-started");
    Path b = dir.resolve("b-started");
    Run first = launch(server, "--shared", "--id", "reader-a", String.format(meet, a, b, b));
    Run second = launch(server, "--shared", "--id", "reader-b", String.format(meet, b, a, a));
    assertEquals(0, first.awaitExit(), "the shared runs never held at once: " + first.describe());
    assertEquals(0, second.awaitExit(), second.describe());

    DistributexClient reader = server.client().build();
    clients.add(reader);
    reader.lockShared("mutex");
    Run writer = launch(server, "-w", "1", "true");
    assertEquals(75, writer.awaitExit(), "an exclusive run beside a shared hold: " + writer.describe());
    Run another = launch(server, "--shared", "true");
    assertEquals(0, another.awaitExit(), another.describe());
  }

  // ---- exit statuses ----

  @Test
  void exitStatusIsCommandsOwnAndNothingElseIsPrinted() throws Exception {
    Run ok = launch(server, "true");
    assertEquals(0, ok.awaitExit(), ok.describe());
    assertEquals("", ok.stdout());
    assertEquals("", ok.stderr(), "nothing printed on success without -v");

    Run three = launch(server, "exit 3");
    assertEquals(3, three.awaitExit(), three.describe());

    Run missing = launch(server, "no-such-command-anywhere");
    assertEquals(127, missing.awaitExit(), missing.describe());

    Run missingProgram = launch(server, "--", "no-such-program-anywhere", "an argument");
    assertEquals(127, missingProgram.awaitExit(), missingProgram.describe());

    Run arguments = launch(server, "--", "sh", "-c", "exit 4", "with spaces");
    assertEquals(4, arguments.awaitExit(), "several arguments run as given: " + arguments.describe());
  }

  @Test
  void theCommandSeesPoolHostTokenAndTheTokenGrowsFromRunToRun() throws Exception {
    String record = "echo \"$DISTRIBUTEX_POOL $DISTRIBUTEX_HOST $DISTRIBUTEX_TOKEN $DISTRIBUTEX_SERVER\" > \"$OUT\"";
    Run first = launch(server, List.of("OUT=" + dir.resolve("first")), "--id", "web1", record);
    assertEquals(0, first.awaitExit(), first.describe());
    Run second = launch(server, List.of("OUT=" + dir.resolve("second")), "--id", "web1", record);
    assertEquals(0, second.awaitExit(), second.describe());

    String[] one = Files.readString(dir.resolve("first")).strip().split(" ");
    String[] two = Files.readString(dir.resolve("second")).strip().split(" ");
    assertEquals("mutex", one[0]);
    assertEquals("web1", one[1]);
    assertEquals(server.uri().toString(), one[3] + "/");
    assertTrue(Long.parseLong(two[2]) > Long.parseLong(one[2]), "token " + two[2] + " after " + one[2]);
    assertEquals(List.of(), server.holders("mutex"), "released after each run");
  }

  @Test
  void waitLimitRunningOutIs75AndRunsNothing() throws Exception {
    holdMutex("holder");
    Path marker = dir.resolve("ran");
    Run run = launch(server, "-w", "0.5", "--id", "waiter", "touch '" + marker + "'");
    assertEquals(75, run.awaitExit(), run.describe());
    assertFalse(Files.exists(marker), "COMMAND must not run");
    assertEquals(List.of(), server.waiters("mutex"), "it left the queue");
    assertEquals(List.of("holder"), server.holders("mutex"));
  }

  @Test
  void aBusyLocalLockIs75AtOnceWithoutAskingTheServer() throws Exception {
    Path marker = dir.resolve("ran");
    try (FileChannel file =
            FileChannel.open(dir.resolve("distributex-mutex.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = file.lock()) {
      // The server is a closed port: asking it would be 69.
      Run run = launch("127.0.0.1", closedPort(), "-r", "mutex", "-l", "touch '" + marker + "'");
      assertEquals(75, run.awaitExit(), run.describe());
      assertTrue(held.isValid());
    }
    assertFalse(Files.exists(marker), "COMMAND must not run");
  }

  @Test
  void aSecondLocalRunWhileTheFirstWaitsIs75AndAStaleLockFileNeverBlocks() throws Exception {
    // What a run killed with SIGKILL leaves behind: the file, without any lock on it.
    Files.writeString(dir.resolve("distributex-mutex.lock"), "12345\n");
    DistributexClient holder = holdMutex("holder");
    Path marker = dir.resolve("ran");
    Run first = launch(server, "-l", "--id", "first", "echo first >> '" + marker + "'");
    eventually("the first run waits in the queue", () -> server.waiters("mutex").contains("first"));

    Run second = launch(server, "-l", "--id", "second", "echo second >> '" + marker + "'");
    assertEquals(75, second.awaitExit(), second.describe());
    assertEquals(List.of("first"), server.waiters("mutex"), "the second never reached the server");

    holder.close();
    assertEquals(0, first.awaitExit(), first.describe());
    assertEquals(List.of("first"), Files.readAllLines(marker));
  }

  // ---- two runs on one machine as one identity (the server grants them the same slot) ----

  @Test
  void aSecondRunAsTheSameIdentityWaitsForTheFirstAndNeverSharesItsGrant() throws Exception {
    String identity = machineIdentity();
    Path log = dir.resolve("log");
    Path go = dir.resolve("go");
    Run first = launch(server, holdUntil(go, log, "first"));
    eventually("the first COMMAND runs", () -> read(log).contains("first start"));
    List<Long> firstGrant = server.tokens("mutex");

    Run second = launch(server, "-v", "echo \"second $DISTRIBUTEX_TOKEN\" >> '" + log + "'");
    eventually("the second waits for the first", () -> second.stderr().contains("another distributex on this machine"));
    assertTrue(second.process.isAlive(), second.describe());
    assertEquals(List.of(identity), server.holders("mutex"));
    assertEquals(firstGrant, server.tokens("mutex"), "the first's grant, alone");
    assertEquals(List.of(), server.waiters("mutex"), "the second waits on this machine, not at the server");

    Files.writeString(go, "");
    assertEquals(0, first.awaitExit(), first.describe());
    assertEquals(0, second.awaitExit(), second.describe());
    List<String> lines = Files.readAllLines(log);
    assertEquals(3, lines.size(), lines.toString());
    assertEquals("first start " + firstGrant.get(0), lines.get(0));
    assertEquals("first end", lines.get(1));
    assertTrue(lines.get(2).startsWith("second "), lines.toString());
    assertTrue(Long.parseLong(lines.get(2).split(" ")[1]) > firstGrant.get(0), "a grant of its own: " + lines);
    assertEquals(List.of(), server.holders("mutex"));

    List<Path> turns = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "distributex-run@*.lock")) {
      found.forEach(turns::add);
    }
    assertEquals(1, turns.size(), "one turn file: " + turns);
    assertEquals(
        "rw-rw-rw-",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(turns.get(0))),
        "runs as other users share it");
  }

  @Test
  void theWaitLimitAndSignalsCountWhileWaitingForAnotherRunOnThisMachine() throws Exception {
    Path log = dir.resolve("log");
    Path go = dir.resolve("go");
    Run first = launch(server, "--id", "web1", holdUntil(go, log, "first"));
    eventually("the first COMMAND runs", () -> read(log).contains("first start"));
    List<Long> firstGrant = server.tokens("mutex");

    Run limited = launch(server, "--id", "web1", "-w", "1", "echo limited >> '" + log + "'");
    assertEquals(75, limited.awaitExit(), limited.describe());
    assertTrue(limited.stderr().contains("no slot of mutex within 1 s: another distributex on this machine"), limited.describe());

    Run stopped = launch(server, "--id", "web1", "-v", "echo stopped >> '" + log + "'");
    eventually("it waits for the first", () -> stopped.stderr().contains("another distributex on this machine"));
    stopped.process.destroy(); // SIGTERM
    assertEquals(128 + 15, stopped.awaitExit(), stopped.describe());

    assertEquals(List.of("first start " + firstGrant.get(0)), Files.readAllLines(log), "neither COMMAND ran");
    assertEquals(firstGrant, server.tokens("mutex"), "the first still holds its grant");
    assertEquals(List.of(), server.waiters("mutex"));
    Files.writeString(go, "");
    assertEquals(0, first.awaitExit(), first.describe());
  }

  @Test
  void withTheLocalLockASecondRunAsTheSameIdentityIs75AtOnce() throws Exception {
    Path log = dir.resolve("log");
    Path go = dir.resolve("go");
    Run first = launch(server, "--id", "web1", holdUntil(go, log, "first"));
    eventually("the first COMMAND runs", () -> read(log).contains("first start"));
    List<Long> firstGrant = server.tokens("mutex");

    Run second = launch(server, "--id", "web1", "-l", "echo second >> '" + log + "'");
    assertEquals(75, second.awaitExit(), second.describe());
    assertOneLine(second.stderr());
    assertTrue(second.stderr().contains("another distributex on this machine"), second.describe());
    assertEquals(firstGrant, server.tokens("mutex"), "the first still holds its grant");

    Files.writeString(go, "");
    assertEquals(0, first.awaitExit(), first.describe());
    assertEquals(List.of("first start " + firstGrant.get(0), "first end"), Files.readAllLines(log));
  }

  @Test
  void serverDownUnknownPoolAndHostNotAllowedAre69WithOneLine() throws Exception {
    Path marker = dir.resolve("ran");
    String touch = "touch '" + marker + "'";

    Run down = launch("127.0.0.1", closedPort(), "-r", "mutex", touch);
    assertEquals(69, down.awaitExit(), down.describe());
    assertOneLine(down.stderr());

    Run unknown = launch("127.0.0.1", port(), "-r", "nope", touch);
    assertEquals(69, unknown.awaitExit(), unknown.describe());
    assertOneLine(unknown.stderr());
    assertTrue(unknown.stderr().contains("unknown pool 'nope'"), unknown.describe());

    Run intruder = launch("127.0.0.1", port(), "-r", "guarded", "--id", "intruder", touch);
    assertEquals(69, intruder.awaitExit(), intruder.describe());
    assertOneLine(intruder.stderr());

    assertFalse(Files.exists(marker), "COMMAND must not run");
  }

  @Test
  void usageErrorsAre64WithTheUsageAndHelpIs0() throws Exception {
    List<List<String>> wrong =
        List.of(
            List.of(),
            List.of("-H", "127.0.0.1", "true"),
            List.of("-r", "mutex", "true"),
            List.of("-H", "127.0.0.1", "-r", "mutex"),
            List.of("-H", "127.0.0.1", "-r", "mutex", "--no-such-option", "true"),
            List.of("-H", "127.0.0.1", "-r", "mutex", "-w", "soon", "true"),
            List.of("-H", "127.0.0.1", "-r", "mutex", "-p", "70000", "true"),
            List.of("-H", "127.0.0.1", "-r", "mutex", "--lease", "0", "true"));
    for (List<String> args : wrong) {
      Run run = launchRaw(List.of(), args);
      assertEquals(64, run.awaitExit(), args + ": " + run.describe());
      assertTrue(run.stderr().contains("usage: distributex"), args + ": " + run.describe());
    }
    Run help = launchRaw(List.of(), List.of("--help"));
    assertEquals(0, help.awaitExit(), help.describe());
    assertTrue(help.stdout().startsWith("usage: distributex [-h] -H HOST -r POOL"), help.describe());
    assertTrue(help.stdout().contains("optional arguments:"), help.describe());
  }

  @Test
  void theVersionIsTheBuildsOnStdout() throws Exception {
    for (String option : List.of("--version", "-V")) {
      Run version = launchRaw(List.of(), List.of(option));
      assertEquals(0, version.awaitExit(), version.describe());
      assertEquals("distributex " + System.getProperty("distributex.version") + "\n", version.stdout(), version.describe());
      assertEquals("", version.stderr(), version.describe());
    }
  }

  @Test
  void theSecretComesFromTheEnvironmentOrAFileAndAMissingOneIs69() throws Exception {
    try (StubServer stub = grantingOnlyWith("s3cret")) {
      int port = stub.uri().getPort();
      Run without = launch("127.0.0.1", port, "-r", "mutex", "true");
      assertEquals(69, without.awaitExit(), without.describe());
      assertOneLine(without.stderr());
      assertTrue(without.stderr().contains("DISTRIBUTEX_SECRET"), "says where the secret goes: " + without.describe());

      Run fromEnvironment =
          launchRaw(List.of("DISTRIBUTEX_SECRET=s3cret"), List.of("-H", "127.0.0.1", "-p", Integer.toString(port), "-r", "mutex",
              "test \"$DISTRIBUTEX_TOKEN\" = 7"));
      assertEquals(0, fromEnvironment.awaitExit(), fromEnvironment.describe());

      Path file = dir.resolve("secret");
      Files.writeString(file, "s3cret\n");
      Run fromFile =
          launchRaw(List.of("DISTRIBUTEX_SECRET=wrong"), List.of("-H", "127.0.0.1", "-p", Integer.toString(port), "-r", "mutex",
              "--secret-file", file.toString(), "true"));
      assertEquals(0, fromFile.awaitExit(), "the file wins: " + fromFile.describe());
      assertEquals(2, stub.requests("/release/").size(), "each run released");
    }
  }

  @Test
  void theSecretIsNotPassedOnToTheCommand() throws Exception {
    try (StubServer stub = grantingOnlyWith("s3cret")) {
      String port = Integer.toString(stub.uri().getPort());
      Path fromEnvironment = dir.resolve("env-1");
      Run first =
          launchRaw(List.of("DISTRIBUTEX_SECRET=s3cret"),
              List.of("-H", "127.0.0.1", "-p", port, "-r", "mutex", "env > '" + fromEnvironment + "'"));
      assertEquals(0, first.awaitExit(), first.describe());

      Path secretFile = dir.resolve("secret");
      Files.writeString(secretFile, "s3cret\n");
      Path fromFile = dir.resolve("env-2");
      Run second =
          launchRaw(List.of("DISTRIBUTEX_SECRET=other"),
              List.of("-H", "127.0.0.1", "-p", port, "-r", "mutex", "--secret-file", secretFile.toString(),
                  "env > '" + fromFile + "'"));
      assertEquals(0, second.awaitExit(), second.describe());

      for (Path environment : List.of(fromEnvironment, fromFile)) {
        List<String> variables = Files.readAllLines(environment);
        assertTrue(variables.contains("DISTRIBUTEX_TOKEN=7"), environment + ": " + variables);
        assertTrue(variables.contains("TMPDIR=" + dir), "the rest of the caller's environment: " + variables);
        assertFalse(
            variables.stream().anyMatch(variable -> variable.startsWith("DISTRIBUTEX_SECRET=")),
            "COMMAND must not see the secret: " + environment);
      }
    }
  }

  // ---- losing the slot ----

  @Test
  void aRefusedRenewalStopsTheCommandWith70() throws Exception {
    Path started = dir.resolve("started");
    Path survived = dir.resolve("survived");
    Run run =
        launch(server, "--id", "victim", "--lease", "2",
            "touch '" + started + "'; sleep 60; touch '" + survived + "'");
    eventually("COMMAND runs", () -> Files.exists(started));

    releaseBehindItsBack("mutex", "victim");
    assertEquals(70, run.awaitExit(), run.describe());
    assertOneLine(run.stderr());
    assertTrue(run.stderr().contains("lost the slot"), run.describe());
    assertFalse(Files.exists(survived), "COMMAND was stopped");
  }

  @Test
  void aCommandThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    Path started = dir.resolve("started");
    Path sleeper = dir.resolve("sleeper");
    Run run =
        launch(server, "--id", "victim", "--lease", "2", "--grace", "1",
            "trap '' TERM; sleep 60 & echo $! > '" + sleeper + "'; touch '" + started + "'; wait");
    eventually("COMMAND runs", () -> Files.exists(started));

    releaseBehindItsBack("mutex", "victim");
    assertEquals(70, run.awaitExit(), run.describe());
    assertGone(pidIn(sleeper));
  }

  @Test
  void theServerUnreachableForALeaseIsALoss() throws Exception {
    Path started = dir.resolve("started");
    Run run = launch(server, "--id", "victim", "--lease", "1", "touch '" + started + "'; sleep 60");
    eventually("COMMAND runs", () -> Files.exists(started));

    server.close();
    assertEquals(70, run.awaitExit(), run.describe());
    assertTrue(run.stderr().contains("lost the slot"), run.describe());
    server = TestServer.start(); // for stop()
  }

  @Test
  void keepOnLossOnlyWarns() throws Exception {
    Path started = dir.resolve("started");
    Path go = dir.resolve("go");
    Run run =
        launch(server, "--id", "victim", "--lease", "2", "--keep-on-loss",
            "touch '" + started + "'; while [ ! -f '" + go + "' ]; do sleep 0.1; done; exit 4");
    eventually("COMMAND runs", () -> Files.exists(started));

    releaseBehindItsBack("mutex", "victim");
    eventually("a warning", () -> run.stderr().contains("warning: lost the slot"));
    Files.writeString(go, "");
    assertEquals(4, run.awaitExit(), "COMMAND ran on and its status counts: " + run.describe());
  }

  // ---- signals ----

  @Test
  void sigtermEndsTheCommandAndReleasesForTheNextWaiterAtOnce() throws Exception {
    Path started = dir.resolve("started");
    Path sleeper = dir.resolve("sleeper");
    Path next = dir.resolve("next");
    // A lease longer than the test waits: the next waiter can only get the slot by a release.
    Run first =
        launch(server, "--id", "first", "--lease", "60",
            "sleep 60 & echo $! > '" + sleeper + "'; touch '" + started + "'; wait");
    eventually("COMMAND runs", () -> Files.exists(started));
    Run second = launch(server, "--id", "second", "touch '" + next + "'");
    eventually("the next run waits", () -> server.waiters("mutex").contains("second"));

    first.process.destroy(); // SIGTERM
    assertEquals(128 + 15, first.awaitExit(), first.describe());
    assertGone(pidIn(sleeper));
    assertEquals(0, second.awaitExit(), second.describe());
    assertTrue(Files.exists(next));
  }

  @Test
  void sigkillFreesTheSlotWithinOneLeaseAndTakesTheCommandWithIt() throws Exception {
    Path started = dir.resolve("started");
    Path sleeper = dir.resolve("sleeper");
    Path shell = dir.resolve("shell");
    Path next = dir.resolve("next");
    Run first =
        launch(server, "--id", "first", "--lease", "2",
            "echo $$ > '" + shell + "'; sleep 60 & echo $! > '" + sleeper + "'; touch '" + started + "'; wait");
    eventually("COMMAND runs", () -> Files.exists(started));
    Run second = launch(server, "--id", "second", "touch '" + next + "'");
    // It waits; on a loaded machine the first run's 2 s lease may already have lapsed (a renewal
    // held up), and then the second holds or has run: the kill below must still end the first.
    eventually(
        "the next run waits or runs",
        () -> server.waiters("mutex").contains("second")
            || server.holders("mutex").contains("second")
            || Files.exists(next));

    first.process.destroyForcibly(); // SIGKILL: no release; the lease of 2 s lapses
    assertTrue(first.process.waitFor(RUN_BOUND_SECONDS, TimeUnit.SECONDS));
    assertGone(pidIn(shell));
    assertGone(pidIn(sleeper));
    assertEquals(0, second.awaitExit(), second.describe());
    assertTrue(Files.exists(next));
  }

  @Test
  void aSignalWhileWaitingLeavesTheQueueAndRunsNothing() throws Exception {
    holdMutex("holder");
    Path marker = dir.resolve("ran");
    Run run = launch(server, "--id", "waiter", "touch '" + marker + "'");
    // After a few seconds of waiting it says who holds the slot.
    eventually("a line naming the holder", () -> run.stderr().contains("held by holder"));
    assertTrue(server.waiters("mutex").contains("waiter"));

    run.process.destroy(); // SIGTERM
    assertEquals(128 + 15, run.awaitExit(), run.describe());
    assertFalse(Files.exists(marker), "COMMAND must not run");
    assertEquals(List.of(), server.waiters("mutex"), "it left the queue");
  }

  // ---- helpers ----

  /** Runs the launcher against {@code target} with pool mutex and {@code args}. */
  private Run launch(TestServer target, String... args) throws IOException {
    return launch(target, List.of(), args);
  }

  private Run launch(TestServer target, List<String> environment, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("-H", "127.0.0.1", "-p", Integer.toString(target.uri().getPort()), "-r", "mutex"));
    all.addAll(List.of(args));
    return launchRaw(environment, all);
  }

  private Run launch(String host, int port, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("-H", host, "-p", Integer.toString(port)));
    all.addAll(List.of(args));
    return launchRaw(List.of(), all);
  }

  private Run launchRaw(List<String> environment, List<String> args) throws IOException {
    int number = runs.incrementAndGet();
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(args);
    Path out = dir.resolve("run-" + number + ".out");
    Path err = dir.resolve("run-" + number + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("DISTRIBUTEX_SECRET");
    builder.environment().put("TMPDIR", dir.toString());
    for (String variable : environment) {
      int equals = variable.indexOf('=');
      builder.environment().put(variable.substring(0, equals), variable.substring(equals + 1));
    }
    Process process = builder.start();
    started.add(process);
    return new Run(process, args, out, err);
  }

  /** A stub server that grants every wait with token 7 to callers with {@code secret}, 401 otherwise. */
  private static StubServer grantingOnlyWith(String secret) {
    return new StubServer(
        exchange -> {
          if (!("Bearer " + secret).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            StubServer.send(exchange, 401, "INVALID: authentication required");
          } else if (exchange.getRequestURI().getPath().equals("/wait/")) {
            StubServer.send(exchange, 200, "YES", "X-Distributex-Token", "7",
                "X-Distributex-Expires", Long.toString(System.currentTimeMillis() + 60_000));
          } else {
            StubServer.send(exchange, 200, "OK");
          }
        });
  }

  /** A COMMAND that logs "NAME start TOKEN", waits until {@code go} exists, then logs "NAME end". */
  private static String holdUntil(Path go, Path log, String name) {
    return "echo \"" + name + " start $DISTRIBUTEX_TOKEN\" >> '" + log + "'; "
        + "while [ ! -f '" + go + "' ]; do sleep 0.05; done; echo '" + name + " end' >> '" + log + "'";
  }

  /** The command's default identity: this machine's fully qualified name, as the client finds it. */
  private String machineIdentity() {
    DistributexClient client = server.client().hostIdentity().build();
    clients.add(client);
    return client.identity();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException notYet) {
      return "";
    }
  }

  private int port() {
    return server.uri().getPort();
  }

  private DistributexClient holdMutex(String identity) throws InterruptedException {
    DistributexClient client = server.client().identity(identity).build();
    clients.add(client);
    client.lock("mutex");
    return client;
  }

  /** What an operator's curl would do: the server forgets the hold, the next renewal is refused. */
  private void releaseBehindItsBack(String pool, String host) throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.uri().resolve("release/?pool=" + pool + "&host=" + host))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals("OK", answer.body());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static long pidIn(Path file) throws Exception {
    eventually("a pid in " + file, () -> {
      try {
        return Files.exists(file) && !Files.readString(file).isBlank();
      } catch (IOException notYet) {
        return false;
      }
    });
    return Long.parseLong(Files.readString(file).strip());
  }

  private static void assertGone(long pid) throws InterruptedException {
    eventually("process " + pid + " ends", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  private static void assertOneLine(String text) {
    assertEquals(1, text.lines().count(), "one line on stderr: " + text);
  }

  /** One run of the launcher; its output goes to files, so it never blocks on a full pipe. */
  private static final class Run {
    final Process process;
    final List<String> args;
    final Path out;
    final Path err;

    Run(Process process, List<String> args, Path out, Path err) {
      this.process = process;
      this.args = args;
      this.out = out;
      this.err = err;
    }

    int awaitExit() throws InterruptedException {
      if (!process.waitFor(RUN_BOUND_SECONDS, TimeUnit.SECONDS)) {
        fail("still running after " + RUN_BOUND_SECONDS + " s: " + describe());
      }
      return process.exitValue();
    }

    String stdout() {
      return read(out);
    }

    String stderr() {
      return read(err);
    }

    String describe() {
      return "distributex " + String.join(" ", args) + "\nstdout: " + stdout() + "\nstderr: " + stderr();
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException unreadable) {
        return "(" + unreadable + ")";
      }
    }
  }
}
