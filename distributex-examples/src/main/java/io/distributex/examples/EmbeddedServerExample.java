package io.distributex.examples;

import io.distributex.core.InMemoryBackend;
import io.distributex.core.Pool;
import io.distributex.server.DistributexServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A Distributex server embedded in your own JVM service: two pools, a free port, and the 0.7
 * protocol spoken to it with the JDK's HTTP client.
 *
 * <p>Run: {@code java -cp distributex-examples.jar io.distributex.examples.EmbeddedServerExample}
 */
public final class EmbeddedServerExample {
  private EmbeddedServerExample() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    InMemoryBackend backend =
        InMemoryBackend.builder()
            .pools(
                List.of(
                    Pool.mutex("deploy"),
                    new Pool("builds", Duration.ofMinutes(10), 3, Set.of(), false)))
            .build();
    try (backend;
        DistributexServer server =
            DistributexServer.builder().backend(backend).bind("127.0.0.1").port(0).start()) {
      HttpClient http = HttpClient.newHttpClient();
      URI base = server.uri();
      System.out.println("server at " + base);
      System.out.println("web1 takes deploy: " + call(http, base, "get/?pool=deploy&host=web1"));
      System.out.println("web2 takes deploy: " + call(http, base, "get/?pool=deploy&host=web2"));
      System.out.println("web1 releases:     " + call(http, base, "release/?pool=deploy&host=web1"));
      System.out.println("web2 takes deploy: " + call(http, base, "get/?pool=deploy&host=web2"));
    }
  }

  private static String call(HttpClient http, URI base, String call)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(base.resolve(call)).build(), HttpResponse.BodyHandlers.ofString());
    String token = response.headers().firstValue("X-Distributex-Token").map(t -> " (token " + t + ")").orElse("");
    return response.body() + token;
  }
}
