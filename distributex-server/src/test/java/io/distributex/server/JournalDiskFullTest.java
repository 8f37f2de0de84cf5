package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.get;
import static io.distributex.server.ServerTestSupport.holders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal on a disk that fills up while the server runs. Fault injected: a real, tiny tmpfs
 * (mounted by the test, which runs as root like CI) filled to the last byte by another file.
 * Every call that would change state answers {@code 503 ERROR: journal unavailable: ...} and
 * changes nothing, {@code /health} answers 503, and once space is freed the server serves again
 * by itself.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalDiskFullTest {
  @TempDir Path dir;
  private Path disk;
  private DistributexServer server;

  @BeforeEach
  void mountATinyDisk() throws Exception {
    disk = Files.createDirectory(dir.resolve("disk"));
    run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk.toString());
    String yaml = "journal: " + disk.resolve("journal") + "\npools:\n  - name: p\n    maxlocks: 1000\n";
    server = ServerTestSupport.start(yaml);
  }

  @AfterEach
  void unmount() throws Exception {
    if (server != null) {
      server.close();
    }
    run("umount", disk.toString());
  }

  @Test
  void aFullDiskRefusesEveryChangeWithErrorAndTheServerRecoversByItself() throws Exception {
    long token = assertYes(get(server, "/get/?pool=p&host=a"));
    Path filler = disk.resolve("filler");
    fill(filler);

    // The journal's last page still has room: grants go on until a write needs a new one.
    List<String> granted = new ArrayList<>(List.of("a"));
    Reply refused = null;
    for (int i = 0; i < 1000 && refused == null; i++) {
      Reply answer = get(server, "/get/?pool=p&host=h" + i);
      if (answer.status() == 200) {
        assertEquals("YES", answer.body());
        granted.add("h" + i);
      } else {
        refused = answer;
      }
    }
    assertTrue(refused != null, "the disk never filled");
    assertEquals(503, refused.status(), refused.toString());
    assertTrue(refused.body().startsWith("ERROR: journal unavailable: "), refused.body());
    assertTrue(get(server, "/release/?pool=p&host=a").body().startsWith("ERROR: journal unavailable: "));
    assertEquals(503, get(server, "/get/?pool=p&host=b").status());
    assertEquals(granted, holders(server, "p"), "nothing changed");
    assertEquals(503, get(server, "/health").status());

    Files.delete(filler);
    ServerTestSupport.awaitValue("/health", () -> get(server, "/health").status(), 200);
    assertYes(get(server, "/get/?pool=p&host=b"));
    assertText(get(server, "/release/?pool=p&host=a&token=" + token), 200, "OK");
    granted.remove("a");
    granted.add("b");
    assertEquals(granted, holders(server, "p"));
  }

  /** Writes {@code file} until the disk has no byte left. */
  private static void fill(Path file) {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      // No space left on device: what this test wants.
    }
    try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
      for (int i = 0; i < 4096; i++) {
        out.write(0);
        out.flush();
      }
    } catch (IOException full) {
      // The last bytes of the last block.
    }
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(process.waitFor(10, TimeUnit.SECONDS), String.join(" ", command));
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
  }
}
