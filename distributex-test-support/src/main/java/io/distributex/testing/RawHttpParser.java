package io.distributex.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An incremental HTTP/1.1 response parser: fed whatever bytes have arrived, it returns each
 * response once complete, so it serves a blocking socket ({@link RawHttpConnection}) and a
 * non-blocking channel alike. Reads the status line and headers, then the body by {@code
 * Content-Length}, by chunks ({@code Transfer-Encoding: chunked}), or up to the end of the
 * stream; skips {@code 1xx} answers. Lines, headers and bodies are bounded, so a misbehaving
 * server cannot make it grow without limit.
 */
public final class RawHttpParser {
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 100;
  private static final int MAX_BODY = 32 << 20;

  private enum State {
    STATUS_LINE,
    HEADER_LINE,
    FIXED_BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILER_LINE,
    BODY_TO_EOF
  }

  private final StringBuilder line = new StringBuilder();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private Map<String, List<String>> headers = new LinkedHashMap<>();
  private State state = State.STATUS_LINE;
  private int status;
  private long remaining;
  private boolean chunked;
  private boolean started;
  private boolean bodiless;

  /**
   * Consumes bytes of {@code in} up to the end of one response.
   *
   * @return the response once its last byte is consumed (the rest of {@code in} is left for the
   *     next one), or null when every byte was consumed and more are needed
   * @throws ProtocolException when the bytes are not an HTTP/1.1 response
   */
  public RawHttpResponse feed(ByteBuffer in) throws ProtocolException {
    while (in.hasRemaining()) {
      started = true;
      switch (state) {
        case FIXED_BODY, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, in.remaining());
          copy(in, n);
          remaining -= n;
          if (remaining == 0) {
            if (state == State.FIXED_BODY) {
              return finish();
            }
            state = State.CHUNK_END;
          }
        }
        case BODY_TO_EOF -> copy(in, in.remaining());
        default -> {
          String text = readLine(in);
          if (text == null) {
            return null;
          }
          RawHttpResponse done = onLine(text);
          if (done != null) {
            return done;
          }
        }
      }
    }
    return null;
  }

  /**
   * The stream ended: completes a response whose body runs to the end of the stream.
   *
   * @return that response, or null when the stream ended between responses
   * @throws EOFException when it ended in the middle of a response
   */
  public RawHttpResponse endOfStream() throws EOFException {
    if (state == State.BODY_TO_EOF) {
      return finish();
    }
    if (!started) {
      return null;
    }
    reset();
    throw new EOFException("connection closed in the middle of a response");
  }

  /** Whether some bytes of the next response have arrived. */
  boolean started() {
    return started;
  }

  /** The next response answers a {@code HEAD}: whatever its headers say, it has no body. */
  void expectBodiless(boolean head) {
    bodiless = head;
  }

  /** Forgets any partial response (the connection was replaced). */
  void reset() {
    line.setLength(0);
    body.reset();
    headers = new LinkedHashMap<>();
    state = State.STATUS_LINE;
    status = 0;
    remaining = 0;
    chunked = false;
    started = false;
  }

  private String readLine(ByteBuffer in) throws ProtocolException {
    while (in.hasRemaining()) {
      char c = (char) (in.get() & 0xff);
      if (c == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          end--;
        }
        String text = line.substring(0, end);
        line.setLength(0);
        return text;
      }
      line.append(c);
      if (line.length() > MAX_LINE) {
        throw new ProtocolException("response line longer than " + MAX_LINE + " bytes");
      }
    }
    return null;
  }

  private RawHttpResponse onLine(String text) throws ProtocolException {
    switch (state) {
      case STATUS_LINE -> {
        if (text.isEmpty()) {
          return null; // tolerated: a stray line break between responses
        }
        status = statusOf(text);
        state = State.HEADER_LINE;
        return null;
      }
      case HEADER_LINE -> {
        return text.isEmpty() ? endOfHeaders() : header(text);
      }
      case CHUNK_SIZE -> {
        int semicolon = text.indexOf(';');
        String hex = (semicolon >= 0 ? text.substring(0, semicolon) : text).trim();
        long size;
        try {
          size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new ProtocolException("bad chunk size '" + text + "'");
        }
        if (size < 0 || body.size() + size > MAX_BODY) {
          throw new ProtocolException("chunk size out of bounds: " + size);
        }
        remaining = size;
        state = size == 0 ? State.TRAILER_LINE : State.CHUNK_DATA;
        return null;
      }
      case CHUNK_END -> {
        if (!text.isEmpty()) {
          throw new ProtocolException("chunk not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
        return null;
      }
      case TRAILER_LINE -> {
        return text.isEmpty() ? finish() : null;
      }
      default -> throw new IllegalStateException(state.toString());
    }
  }

  private static int statusOf(String statusLine) throws ProtocolException {
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
      throw new ProtocolException("bad status line '" + statusLine + "'");
    }
    try {
      return Integer.parseInt(statusLine.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new ProtocolException("bad status line '" + statusLine + "'");
    }
  }

  private RawHttpResponse header(String text) throws ProtocolException {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new ProtocolException("bad header line '" + text + "'");
    }
    if (headers.size() >= MAX_HEADERS) {
      throw new ProtocolException("more than " + MAX_HEADERS + " headers");
    }
    String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    headers.computeIfAbsent(name, n -> new ArrayList<>()).add(text.substring(colon + 1).trim());
    return null;
  }

  private RawHttpResponse endOfHeaders() throws ProtocolException {
    if (status >= 100 && status < 200) {
      reset(); // an interim answer; the real one follows
      started = true;
      return null;
    }
    if (bodiless || status == 204 || status == 304) {
      return finish();
    }
    if (headers.getOrDefault("transfer-encoding", List.of()).stream()
        .anyMatch(encoding -> encoding.toLowerCase(Locale.ROOT).contains("chunked"))) {
      chunked = true;
      state = State.CHUNK_SIZE;
      return null;
    }
    List<String> length = headers.get("content-length");
    if (length == null) {
      state = State.BODY_TO_EOF;
      return null;
    }
    try {
      remaining = Long.parseLong(length.get(0).trim());
    } catch (NumberFormatException e) {
      throw new ProtocolException("bad Content-Length '" + length + "'");
    }
    if (remaining < 0 || remaining > MAX_BODY) {
      throw new ProtocolException("Content-Length out of bounds: " + remaining);
    }
    if (remaining == 0) {
      return finish();
    }
    state = State.FIXED_BODY;
    return null;
  }

  private void copy(ByteBuffer in, int n) throws ProtocolException {
    if (body.size() + n > MAX_BODY) {
      throw new ProtocolException("body longer than " + MAX_BODY + " bytes");
    }
    if (in.hasArray()) {
      body.write(in.array(), in.arrayOffset() + in.position(), n);
      in.position(in.position() + n);
    } else {
      byte[] bytes = new byte[n];
      in.get(bytes);
      body.write(bytes, 0, n);
    }
  }

  private RawHttpResponse finish() {
    RawHttpResponse response =
        new RawHttpResponse(status, headers, body.toString(StandardCharsets.UTF_8), chunked);
    bodiless = false;
    reset();
    return response;
  }
}
