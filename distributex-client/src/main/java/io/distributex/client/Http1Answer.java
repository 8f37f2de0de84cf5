package io.distributex.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 answer as {@link SocketHttpSender} reads it: status, the two headers of a grant,
 * the body, and whether the connection may carry another call. Reads exactly the answer's bytes
 * (by {@code Content-Length}, chunks, or up to the end of the connection), so that a kept-alive
 * connection is left at the start of the next answer.
 */
record Http1Answer(int status, String body, String token, String expires, boolean keepAlive) {
  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 100;
  private static final int MAX_BODY = 1 << 20;

  /**
   * Reads one answer to a {@code GET} from {@code in}; interim {@code 1xx} answers are skipped.
   *
   * @throws EOFException when the connection ends before the answer does (the first byte
   *     included: a kept-alive connection the server had closed)
   * @throws ProtocolException when what arrives is not an HTTP/1.x answer, or is too long
   */
  static Http1Answer read(InputStream in) throws IOException {
    while (true) {
      String statusLine = line(in);
      if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
        throw new ProtocolException("not an HTTP/1.x answer: " + shorten(statusLine));
      }
      int status = status(statusLine.substring(9, 12));
      boolean keepAlive = statusLine.startsWith("HTTP/1.1");
      long length = -1;
      boolean chunked = false;
      String token = null;
      String expires = null;
      for (int count = 0; ; count++) {
        String header = line(in);
        if (header.isEmpty()) {
          break;
        }
        int colon = header.indexOf(':');
        if (colon <= 0 || count >= MAX_HEADERS) {
          throw new ProtocolException("bad header in the answer: " + shorten(header));
        }
        String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).strip();
        switch (name) {
          case "content-length":
            length = length(value);
            break;
          case "transfer-encoding":
            chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
            break;
          case "connection":
            keepAlive &= !value.toLowerCase(Locale.ROOT).contains("close");
            break;
          case "x-distributex-token":
            token = token == null ? value : token;
            break;
          case "x-distributex-expires":
            expires = expires == null ? value : expires;
            break;
          default:
            break;
        }
      }
      if (status >= 100 && status < 200) {
        continue;
      }
      byte[] body;
      if (status == 204 || status == 304) {
        body = new byte[0];
      } else if (chunked) {
        body = chunks(in);
      } else if (length >= 0) {
        body = exactly(in, length);
      } else {
        body = toTheEnd(in);
        keepAlive = false;
      }
      return new Http1Answer(status, new String(body, StandardCharsets.UTF_8), token, expires, keepAlive);
    }
  }

  private static byte[] chunks(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(in);
      int extension = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).strip(), 16);
      } catch (NumberFormatException bad) {
        throw new ProtocolException("bad chunk size in the answer: " + shorten(sizeLine));
      }
      if (size < 0 || body.size() + size > MAX_BODY) {
        throw new ProtocolException("answer longer than " + MAX_BODY + " bytes");
      }
      if (size == 0) {
        while (!line(in).isEmpty()) {
          // trailers: none of them matters
        }
        return body.toByteArray();
      }
      body.write(exactly(in, size));
      if (!line(in).isEmpty()) {
        throw new ProtocolException("chunk longer than its size in the answer");
      }
    }
  }

  private static byte[] exactly(InputStream in, long length) throws IOException {
    if (length > MAX_BODY) {
      throw new ProtocolException("answer longer than " + MAX_BODY + " bytes");
    }
    byte[] bytes = in.readNBytes((int) length);
    if (bytes.length < length) {
      throw new EOFException("connection closed in the middle of the answer");
    }
    return bytes;
  }

  private static byte[] toTheEnd(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new ProtocolException("answer longer than " + MAX_BODY + " bytes");
    }
    return bytes;
  }

  /** A line without its CRLF (or bare LF), as ISO-8859-1. */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int next = in.read();
      if (next < 0) {
        throw new EOFException(
            line.length() == 0 ? "connection closed before the answer" : "connection closed in the middle of the answer");
      }
      if (next == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new ProtocolException("line longer than " + MAX_LINE + " bytes in the answer");
      }
      line.append((char) next);
    }
  }

  private static int status(String digits) throws ProtocolException {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException bad) {
      throw new ProtocolException("bad status in the answer: " + digits);
    }
  }

  private static long length(String value) throws ProtocolException {
    try {
      long length = Long.parseLong(value);
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException bad) {
      // said below
    }
    throw new ProtocolException("bad Content-Length in the answer: " + shorten(value));
  }

  private static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
