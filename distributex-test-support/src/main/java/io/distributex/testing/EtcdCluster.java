package io.distributex.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real {@code etcd} processes forming one cluster on free loopback ports, for tests: one member
 * for the backend contract, three for faults. Members are killed (SIGKILL) and restarted on the
 * same ports and data directories, as after a crash. Without the binary ({@code apt-get install
 * etcd-server}) the tests fail under CI ({@code CI=true}) and are skipped elsewhere. A shutdown
 * hook kills the processes still running when the JVM exits, and the data is deleted on close.
 */
public final class EtcdCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\":\"(\\d+)\"");
  private static final Pattern LEADER = Pattern.compile("\"leader\":\"(\\d+)\"");

  private final Path directory;
  private final List<Member> members;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private EtcdCluster(Path directory, List<Member> members) {
    this.directory = directory;
    this.members = members;
  }

  /**
   * Starts {@code size} members on free ports, their data in memory when the machine has a
   * {@code /dev/shm} (a killed process loses nothing the kernel holds, and tests need not wait for
   * the disk), and waits until the cluster has a leader; up to three times, on other ports, when
   * it does not form (a port taken between choosing and binding it).
   */
  public static EtcdCluster start(int size) throws IOException, InterruptedException {
    String binary = binary();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      EtcdCluster cluster = launch(binary, size);
      try {
        cluster.awaitHealthy();
        return cluster;
      } catch (IllegalStateException notFormed) {
        cluster.close();
        last = notFormed;
      }
    }
    throw last;
  }

  private static EtcdCluster launch(String binary, int size) throws IOException {
    Path shm = Path.of("/dev/shm");
    Path parent =
        Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    Path directory = Files.createTempDirectory(parent, "distributex-etcd");
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      members.add(new Member(binary, "m" + i, directory, ChildProcesses.freePort(), ChildProcesses.freePort()));
    }
    String initial =
        String.join(",", members.stream().map(m -> m.name + "=" + m.peerUrl()).toList());
    members.forEach(member -> member.initialCluster = initial);
    EtcdCluster cluster = new EtcdCluster(directory, members);
    for (Member member : members) {
      member.launch();
    }
    return cluster;
  }

  /** The client URLs of every member, as {@code backend: etcd} lists them. */
  public List<URI> endpoints() {
    return members.stream().map(member -> URI.create(member.clientUrl())).toList();
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  /** The member that is the Raft leader now (asked of the running members). */
  public Member leader() throws InterruptedException {
    for (Member member : members) {
      if (member.isRunning()) {
        Optional<String> status = member.status(http);
        if (status.isPresent()) {
          String self = find(MEMBER_ID, status.get());
          String leader = find(LEADER, status.get());
          for (Member candidate : members) {
            Optional<String> own = candidate.isRunning() ? candidate.status(http) : Optional.empty();
            if (own.isPresent() && leader.equals(find(MEMBER_ID, own.get()))) {
              return candidate;
            }
          }
          throw new IllegalStateException("member " + self + " names leader " + leader + ", which does not answer");
        }
      }
    }
    throw new IllegalStateException("no etcd member answers");
  }

  /** Waits until every running member answers {@code /health} (it has a leader). */
  public void awaitHealthy() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (Member member : members) {
      while (member.isRunning() && !member.healthy(http)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "etcd member " + member.name + " not healthy within " + START_TIMEOUT + "; its log ends:\n"
                  + member.logTail());
        }
        Thread.sleep(50);
      }
    }
  }

  /** Kills every member; their data stays for {@link Member#restart}. */
  public void killAll() throws InterruptedException {
    for (Member member : members) {
      member.kill();
    }
  }

  /** Starts every stopped member again and waits for a leader. */
  public void restartStopped() throws IOException, InterruptedException {
    for (Member member : members) {
      if (!member.isRunning()) {
        member.launch();
      }
    }
    awaitHealthy();
  }

  @Override
  public void close() {
    try {
      killAll();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // A temporary directory left behind costs nothing in a test run.
    }
  }

  private static String find(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    if (!matcher.find()) {
      throw new IllegalStateException("unexpected etcd status: " + text);
    }
    return matcher.group(1);
  }

  /** One etcd process of the cluster. */
  public static final class Member {
    private final String binary;
    private final String name;
    private final Path directory;
    private final int clientPort;
    private final int peerPort;
    private String initialCluster;
    private Process process;

    private Member(String binary, String name, Path directory, int clientPort, int peerPort) {
      this.binary = binary;
      this.name = name;
      this.directory = directory;
      this.clientPort = clientPort;
      this.peerPort = peerPort;
    }

    public String name() {
      return name;
    }

    public String clientUrl() {
      return "http://127.0.0.1:" + clientPort;
    }

    private String peerUrl() {
      return "http://127.0.0.1:" + peerPort;
    }

    public boolean isRunning() {
      return process != null && process.isAlive();
    }

    /** Kills the member at once (SIGKILL); what it acknowledged is on disk. */
    public void kill() throws InterruptedException {
      if (process != null) {
        ChildProcesses.kill(process);
        process = null;
      }
    }

    /** Starts it again on its ports and data; does not wait for the cluster. */
    public void restart() throws IOException, InterruptedException {
      kill();
      launch();
    }

    private void launch() throws IOException {
      Path log = directory.resolve(name + ".log");
      ProcessBuilder command =
          new ProcessBuilder(
                  binary,
                  "--name", name,
                  "--data-dir", directory.resolve(name).toString(),
                  "--listen-client-urls", clientUrl(),
                  "--advertise-client-urls", clientUrl(),
                  "--listen-peer-urls", peerUrl(),
                  "--initial-advertise-peer-urls", peerUrl(),
                  "--initial-cluster", initialCluster,
                  "--initial-cluster-state", "new",
                  "--initial-cluster-token", "distributex-test")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = ChildProcesses.start(command);
    }

    /** The last lines etcd wrote, for a failure message. */
    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(directory.resolve(name + ".log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
      } catch (IOException unreadable) {
        return "(no log: " + unreadable.getMessage() + ")";
      }
    }

    private boolean healthy(HttpClient http) throws InterruptedException {
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(URI.create(clientUrl() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 && answer.body().contains("\"true\"");
      } catch (IOException notYet) {
        return false;
      }
    }

    private Optional<String> status(HttpClient http) throws InterruptedException {
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(URI.create(clientUrl() + "/v3/maintenance/status"))
                    .timeout(Duration.ofSeconds(2))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? Optional.of(answer.body()) : Optional.empty();
      } catch (IOException down) {
        return Optional.empty();
      }
    }
  }

  /** Whether this machine has the etcd binary (a benchmark without it reports so). */
  public static boolean installed() {
    return executable().isPresent();
  }

  private static Optional<String> executable() {
    return Stream.of("/usr/bin/etcd", "/usr/local/bin/etcd")
        .filter(candidate -> Files.isExecutable(Path.of(candidate)))
        .findFirst();
  }

  private static String binary() {
    Optional<String> found = executable();
    if (found.isPresent()) {
      return found.get();
    }
    String missing = "etcd is not installed: the etcd tests need it (apt-get install -y etcd-server)";
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(missing);
    }
    Assumptions.abort(missing);
    throw new AssertionError(missing);
  }
}
