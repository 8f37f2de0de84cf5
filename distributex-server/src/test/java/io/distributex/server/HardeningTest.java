package io.distributex.server;

import static io.distributex.server.ServerTestSupport.answer;
import static io.distributex.server.ServerTestSupport.assertText;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.raw;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static io.distributex.server.ServerTestSupport.statusText;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.distributex.testing.RawHttpConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow, oversized and hostile requests (docs/protocol.md): each is cut off or refused, changes no
 * lock, and leaves the server serving others. The timeouts themselves are tested on the real
 * launcher with short settings ({@code ServerLauncherIT}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HardeningTest extends ServerTestBase {
  private String before;

  @BeforeEach
  void holdP1() {
    assertYes(raw(server, "/get/?pool=p1&host=holder"));
    before = statusText(server);
  }

  @AfterEach
  void serverServesOnAndNothingChanged() {
    assertEquals(before, statusText(server), "a hostile request changed the locks");
    assertYes(raw(server, "/get/?pool=sem&host=someone"));
  }

  @Test
  void aHugeRequestLineIsCutOff() throws IOException {
    // Served, this would be a YES: an unknown parameter is ignored.
    String target = "/get/?pool=sem&host=long&padding=" + "p".repeat(100_000);
    assertCutOffOrRefused("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  @Test
  void aHugeHeaderBlockIsCutOff() throws IOException {
    StringBuilder request = new StringBuilder("GET /get/?pool=sem&host=big HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 60; i++) {
      request.append("X-Padding-").append(i).append(": ").append("v".repeat(1000)).append("\r\n");
    }
    assertCutOffOrRefused(request.append("\r\n").toString());
  }

  @Test
  void tooManyHeadersAreCutOff() throws IOException {
    StringBuilder request = new StringBuilder("GET /get/?pool=sem&host=many HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 500; i++) {
      request.append("X-").append(i).append(": v\r\n");
    }
    assertCutOffOrRefused(request.append("\r\n").toString());
  }

  @Test
  void aLargeBodyIsRefusedAndNotKept() throws IOException {
    try (RawHttpConnection call = RawHttpConnection.open(server.address(), ServerTestSupport.ANSWER)) {
      String head =
          "POST /get/?pool=sem&host=body HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n";
      call.write(head.getBytes(UTF_8));
      // A gigabyte announced, and more sent than the server reads before it refuses.
      call.write(new byte[70_000]);
      assertText(answer(call), 413, "INVALID: request body too large (parameters go in the query string)");
    }
  }

  @Test
  void aSmallBodyIsIgnored() {
    byte[] body = "pool=p1&host=holder".repeat(500).getBytes(UTF_8);
    try (RawHttpConnection call = rawOpen(server, "POST", "/release/?pool=never&host=x", List.of(), body)) {
      assertText(answer(call), 200, "OK");
    }
  }

  @Test
  void clientsThatSendTheirRequestSlowlyDoNotStopOthers() throws IOException {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket socket = connect();
        socket.getOutputStream().write("GET /get/?pool=sem&host=sl".getBytes(UTF_8));
        slow.add(socket);
      }
      for (int i = 0; i < 20; i++) {
        assertText(raw(server, "/release/?pool=sem&host=nobody" + i), 200, "OK");
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  /** Sends {@code request}; the server must close the connection or answer 4xx, never serve it. */
  private void assertCutOffOrRefused(String request) throws IOException {
    try (Socket socket = connect()) {
      try {
        socket.getOutputStream().write(request.getBytes(UTF_8));
        socket.getOutputStream().flush();
      } catch (SocketException closedWhileWriting) {
        return;
      }
      String answer = readAnswer(socket);
      assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), () -> "served: " + answer);
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.address().getPort());
    socket.setSoTimeout((int) ServerTestSupport.ANSWER.toMillis());
    return socket;
  }

  /** Everything the server sends until it closes (an empty string when it sends nothing). */
  private static String readAnswer(Socket socket) throws IOException {
    StringBuilder answer = new StringBuilder();
    byte[] buffer = new byte[8192];
    InputStream in = socket.getInputStream();
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        answer.append(new String(buffer, 0, n, UTF_8));
      }
    } catch (SocketTimeoutException stillOpen) {
      fail("the server neither answered nor closed the connection: " + answer);
    } catch (SocketException reset) {
      // Closed with a reset: what was read so far is the answer.
    }
    return answer.toString();
  }
}
