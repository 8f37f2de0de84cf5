package io.distributex.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking Redis (RESP2) connection on a plain socket (TCP_NODELAY, a timeout on every read),
 * as thin as the raw HTTP client on the Distributex side: each command is one write, each reply is
 * parsed from a buffered stream, nothing else. A reply is a {@code String} (simple string or bulk;
 * {@code null} for a null bulk), a {@code Long}, or a {@code List} of replies; an error reply
 * throws.
 */
final class RespConnection implements Closeable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RespConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code server}; the connect and every read give up after {@code timeout}. */
  static RespConnection open(InetSocketAddress server, Duration timeout) throws IOException {
    return new RespConnection(LoopbackSockets.connect(server, timeout));
  }


  /** Writes the command {@code words} in one write and reads its reply. */
  Object call(String... words) throws IOException {
    send(words);
    return read();
  }

  /** Writes the command {@code words} in one write, without reading. */
  void send(String... words) throws IOException {
    ByteArrayOutputStream command = new ByteArrayOutputStream(64);
    command.writeBytes(("*" + words.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String word : words) {
      byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
      command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      command.writeBytes(bytes);
      command.writeBytes(new byte[] {'\r', '\n'});
    }
    out.write(command.toByteArray());
    out.flush();
  }

  /** Reads one reply: a pushed message of a subscription is one too (a list). */
  Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("redis closed the connection");
    }
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("redis: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        if (bytes.length != length + 2) {
          throw new EOFException("redis closed the connection within a reply");
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        List<Object> items = new ArrayList<>(Math.max(count, 0));
        for (int i = 0; i < count; i++) {
          items.add(read());
        }
        return count < 0 ? null : items;
      }
      default:
        throw new IOException("not a RESP reply: '" + (char) type + line + "'");
    }
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("redis closed the connection within a reply");
      }
      line.append((char) c);
    }
    if (in.read() != '\n') {
      throw new IOException("a RESP line not ended by CRLF");
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
