package io.distributex.server;

import static org.junit.jupiter.api.Assertions.fail;

import io.distributex.server.ServerTestSupport.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket of JSON messages): open a
 * page, read its text, evaluate an expression, take a screenshot. Only what the status page
 * test needs. The browser runs with a throw-away profile and is killed on close.
 */
final class Chromium implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private String session;

  private Chromium(Process process, URI endpoint) {
    this.process = process;
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(endpoint, new Replies())
            .orTimeout(ANSWER.toSeconds(), TimeUnit.SECONDS)
            .join();
  }

  /** Starts {@code chromium} headless with a window of the given size and a fresh profile. */
  static Chromium start(Path chromium, Path profile, int width, int height) throws IOException {
    Process process =
        new ProcessBuilder(
                chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      return new Chromium(process, endpoint(process));
    } catch (RuntimeException failed) {
      process.destroyForcibly();
      throw failed;
    }
  }

  /** Opens {@code url} in a new tab, which the other calls then act on. */
  void open(String url) {
    Map<String, Object> target = send(null, "Target.createTarget", "{\"url\":" + quote(url) + "}");
    String targetId = (String) target.get("targetId");
    Map<String, Object> attached =
        send(null, "Target.attachToTarget", "{\"targetId\":" + quote(targetId) + ",\"flatten\":true}");
    session = (String) attached.get("sessionId");
  }

  /**
   * The value of a JavaScript expression in the page, as a string; null while the page is
   * between two documents (it reloads itself).
   */
  String evaluate(String expression) {
    Map<String, Object> result =
        send(session, "Runtime.evaluate", "{\"expression\":" + quote(expression) + ",\"returnByValue\":true}");
    if (result.containsKey("exceptionDetails")) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> value = (Map<String, Object>) result.get("result");
    Object text = value.get("value");
    return text == null ? null : text.toString();
  }

  /** A PNG of the page as shown. */
  byte[] screenshot() {
    Map<String, Object> shot = send(session, "Page.captureScreenshot", "{\"format\":\"png\"}");
    return Base64.getDecoder().decode((String) shot.get("data"));
  }

  /**
   * Kills the browser and every process it started (renderers, zygote, crash handler), and waits
   * for all of them: a child left running keeps writing into the profile directory while the test
   * framework deletes it.
   */
  @Override
  public void close() {
    socket.abort();
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle member : tree) {
      try {
        member.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException stillRunning) {
        // Bounded: the profile directory may then not be deletable, which the test reports.
      }
    }
  }

  private Map<String, Object> send(String sessionId, String method, String params) {
    long id = ids.incrementAndGet();
    CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
    pending.put(id, reply);
    String message =
        "{\"id\":" + id + (sessionId == null ? "" : ",\"sessionId\":" + quote(sessionId))
            + ",\"method\":" + quote(method) + ",\"params\":" + params + "}";
    socket.sendText(message, true).join();
    Map<String, Object> answer = reply.orTimeout(ANSWER.toSeconds(), TimeUnit.SECONDS).join();
    if (answer.containsKey("error")) {
      // A call that the page's reload interrupted: the caller polls again.
      return Map.of("exceptionDetails", answer.get("error"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) answer.get("result");
    return result;
  }

  /** Reads the browser's stderr up to its DevTools endpoint (and keeps draining it). */
  private static URI endpoint(Process process) {
    try {
      return URI.create(
          OutputWatch.watch(process.getErrorStream(), LISTENING, "chromium")
              .get(ANSWER.toSeconds(), TimeUnit.SECONDS)
              .match()
              .group(1));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    } catch (ExecutionException | TimeoutException failed) {
      fail("chromium did not start: " + failed);
      throw new AssertionError(failed);
    }
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** Collects each message's frames and completes the call it answers; events are ignored. */
  private final class Replies implements WebSocket.Listener {
    private final StringBuilder frames = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      frames.append(data);
      if (last) {
        @SuppressWarnings("unchecked")
        Map<String, Object> message = (Map<String, Object>) Json.parse(frames.toString());
        frames.setLength(0);
        Object id = message.get("id");
        if (id instanceof Long number && pending.containsKey(number)) {
          pending.remove(number).complete(message);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
