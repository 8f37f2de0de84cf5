package io.distributex.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A tiny HTTP server that records every request and answers as the test says: for what our
 * server cannot do yet (authentication) or should never do (answers outside the protocol).
 */
public final class StubServer implements AutoCloseable {
  /** What a test answers; it may also keep the exchange and answer it later. */
  public interface Answerer {
    void answer(HttpExchange exchange) throws IOException;
  }

  /** One recorded request. */
  public record Request(String path, String query, String authorization) {
    String param(String key) {
      for (String pair : query == null ? new String[0] : query.split("&")) {
        int equals = pair.indexOf('=');
        if (equals > 0 && pair.substring(0, equals).equals(key)) {
          return java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  private final HttpServer http;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  public StubServer(Answerer answerer) {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    try {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.setExecutor(executor);
    http.createContext(
        "/",
        exchange -> {
          requests.add(
              new Request(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestURI().getRawQuery(),
                  exchange.getRequestHeaders().getFirst("Authorization")));
          answerer.answer(exchange);
        });
    http.start();
  }

  /** A stub that answers {@code /wait/} requests with {@code onWait} and every other one {@code OK}. */
  public static StubServer answeringWaits(Answerer onWait) {
    return new StubServer(
        exchange -> {
          if (exchange.getRequestURI().getPath().equals("/wait/")) {
            onWait.answer(exchange);
          } else {
            send(exchange, 200, "OK");
          }
        });
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
  }

  public static void send(HttpExchange exchange, int status, String body, String... headers) throws IOException {
    try (exchange) {
      for (int i = 0; i < headers.length; i += 2) {
        exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  public List<Request> requests(String path) {
    return requests.stream().filter(request -> request.path().equals(path)).toList();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
