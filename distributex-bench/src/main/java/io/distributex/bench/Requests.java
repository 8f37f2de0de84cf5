package io.distributex.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Hand-written HTTP/1.1 requests: a {@code GET} on a keep-alive connection, nothing more. */
final class Requests {
  private Requests() {}

  /** The bytes of {@code GET target HTTP/1.1} to {@code server}, keep-alive (HTTP/1.1's default). */
  static byte[] get(String target, InetSocketAddress server) {
    String request =
        "GET " + target + " HTTP/1.1\r\n"
            + "Host: " + server.getHostString() + ":" + server.getPort() + "\r\n"
            + "User-Agent: distributex-bench\r\n"
            + "\r\n";
    return request.getBytes(StandardCharsets.US_ASCII);
  }
}
