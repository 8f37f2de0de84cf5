package io.distributex.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Plain client sockets for the thin clients of the measures: TCP_NODELAY, a timeout on every read. */
final class LoopbackSockets {
  private LoopbackSockets() {}

  /** Connects to {@code server}; the connect and every read give up after {@code timeout}. */
  static Socket connect(InetSocketAddress server, Duration timeout) throws IOException {
    int millis = Math.toIntExact(timeout.toMillis());
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(millis);
      socket.connect(server, millis);
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }
}
