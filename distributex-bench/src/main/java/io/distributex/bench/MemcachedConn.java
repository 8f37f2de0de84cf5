package io.distributex.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A blocking memcached text-protocol connection on a plain socket (TCP_NODELAY, a timeout on
 * every read), for the floor of the {@code memcached} measure: one command written with one
 * write, its one-line answer read back. Nothing is pipelined, as in Distributex's own use.
 */
final class MemcachedConn implements Closeable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] buffer = new byte[4096];
  private int start;
  private int end;

  private MemcachedConn(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code server}; the connect and every read give up after {@code timeout}. */
  static MemcachedConn open(InetSocketAddress server, Duration timeout) throws IOException {
    return new MemcachedConn(LoopbackSockets.connect(server, timeout));
  }


  /** Writes {@code command} (ending in CRLF) and returns the answer line without its CRLF. */
  String call(String command) throws IOException {
    out.write(command.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readLine();
  }

  /** Writes {@code command} and throws unless the answer is one of {@code expected}. */
  void expect(String command, String... expected) throws IOException {
    String answer = call(command);
    for (String word : expected) {
      if (answer.equals(word)) {
        return;
      }
    }
    throw new IOException("memcached answered '" + answer + "' to " + command.strip().split("\r\n")[0]);
  }

  /** The answer to {@code stats}: each {@code STAT name value} line as name and value. */
  Map<String, String> stats() throws IOException {
    Map<String, String> stats = new LinkedHashMap<>();
    String line = call("stats\r\n");
    for (int lines = 0; !line.equals("END"); lines++) {
      String[] parts = line.split(" ", 3);
      if (lines > 1_000 || parts.length != 3 || !parts[0].equals("STAT")) {
        throw new IOException("memcached answered '" + line + "' within stats");
      }
      stats.put(parts[1], parts[2]);
      line = readLine();
    }
    return stats;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private String readLine() throws IOException {
    while (true) {
      for (int i = start; i + 1 < end; i++) {
        if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
          String line = new String(buffer, start, i - start, StandardCharsets.US_ASCII);
          start = i + 2;
          return line;
        }
      }
      if (start > 0) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
      }
      if (end == buffer.length) {
        throw new IOException("memcached answer line longer than " + buffer.length + " bytes");
      }
      int n = in.read(buffer, end, buffer.length - end);
      if (n < 0) {
        throw new EOFException("memcached closed the connection");
      }
      end += n;
    }
  }
}
