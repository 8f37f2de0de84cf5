package io.distributex.memcached;

import io.distributex.core.TimeSource;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One blocking connection to one memcached server that does nothing but the binary protocol's
 * compare-and-set ({@code replace} with a cas id): the write that follows almost every change of
 * a pool. {@code replace}, not {@code set}: memcached drops the stored value of a key when it
 * cannot store a {@code set} (too large, out of memory), but keeps it after a failed {@code
 * replace}. The calling thread writes the request and reads the answer itself, which costs one
 * round trip and no thread handoff; Spymemcached's client hands each operation to its I/O thread
 * and back, which on a loaded two-core machine costs more than the round trip.
 *
 * <p>The value is stored with the flags Spymemcached's transcoder gives a byte array, so the
 * client that reads it back ({@code gets}) sees what was written. One caller at a time; a
 * connection that failed in any way (including a timeout, after which an answer may still come)
 * is closed and opened afresh by the next call. A call takes at most the timeout to connect and
 * the timeout to be answered: a request larger than the socket's send buffer, whose write could
 * block on a memcached that hangs, has its socket closed at the deadline.
 *
 * <p>A cas id is only good for the memcached process that gave it: a restarted one counts ids
 * anew. So every connection opened or lost here counts in a shared {@code connections} counter,
 * as do Spymemcached's, and a cas id read before the count last moved is never sent: the call
 * answers {@link Outcome#CONFLICT}, and the caller reads afresh.
 */
final class CasConnection implements AutoCloseable {
  /** Spymemcached's flags for an uncompressed byte array (SerializingTranscoder). */
  private static final int BYTE_ARRAY_FLAGS = 8 << 8;

  private static final int HEADER = 24;
  private static final byte REQUEST = (byte) 0x80;
  private static final byte RESPONSE = (byte) 0x81;
  private static final byte REPLACE = 0x03;
  private static final int EXTRAS = 8;
  private static final short KEY_NOT_FOUND = 0x0001;
  private static final short KEY_EXISTS = 0x0002;

  /** What a compare-and-set did. */
  enum Outcome {
    STORED,
    /** Someone else wrote since the version read, or the key is gone. */
    CONFLICT
  }

  /** The outcome and, once stored, the value's new cas id. */
  record Result(Outcome outcome, long cas) {}

  private final InetSocketAddress server;
  private final int timeoutMillis;
  private final AtomicLong connections;
  private Socket socket;
  private DataInputStream in;
  private OutputStream out;
  private int sendBuffer;
  private int opaque;
  /** Read without the lock: a writer returning a connection must not wait on another's round trip. */
  private volatile long lastUsed = System.nanoTime();

  CasConnection(InetSocketAddress server, int timeoutMillis, AtomicLong connections) {
    this.server = server;
    this.timeoutMillis = timeoutMillis;
    this.connections = connections;
  }

  /**
   * Stores {@code value} under {@code key} if its cas id is still {@code casId}.
   *
   * @param readUnder the connection count when {@code casId} was read
   * @throws RefusedException when memcached refused to store the value (too large, out of
   *     memory); the connection stays open
   * @throws IOException when memcached cannot be reached or does not answer in time; the outcome
   *     is then unknown and the connection closed
   */
  synchronized Result compareAndSet(String key, long casId, byte[] value, long readUnder)
      throws IOException {
    try {
      open();
      if (connections.get() != readUnder) {
        return new Result(Outcome.CONFLICT, 0);
      }
      int id = ++opaque;
      byte[] request = request(key, casId, value, id);
      Socket writing = socket;
      // The real clock's deadline thread, whatever the store's clock: this guards a socket.
      TimeSource.Cancellable cutOff =
          request.length <= sendBuffer
              ? null
              : TimeSource.system().schedule(() -> closeQuietly(writing), timeoutMillis);
      try {
        out.write(request);
        out.flush();
        return answer(id);
      } finally {
        if (cutOff != null) {
          cutOff.cancel();
        }
      }
    } catch (RefusedException refused) {
      throw refused;
    } catch (IOException | RuntimeException | Error failed) {
      close();
      connections.incrementAndGet();
      throw failed;
    } finally {
      lastUsed = System.nanoTime();
    }
  }

  /** Whether the socket is open (it opens on the next call otherwise). */
  synchronized boolean isOpen() {
    return socket != null;
  }

  /** How long this connection has been unused at {@code now} ({@link System#nanoTime}). */
  long idleNanos(long now) {
    return now - lastUsed;
  }

  @Override
  public synchronized void close() {
    if (socket != null) {
      closeQuietly(socket);
      socket = null;
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing a socket that failed or hung: there is nothing left to release.
    }
  }

  private void open() throws IOException {
    if (socket != null) {
      return;
    }
    Socket fresh = new Socket();
    try {
      fresh.setTcpNoDelay(true);
      fresh.connect(server, timeoutMillis);
      fresh.setSoTimeout(timeoutMillis);
      sendBuffer = fresh.getSendBufferSize();
      in = new DataInputStream(new BufferedInputStream(fresh.getInputStream()));
      out = fresh.getOutputStream();
    } catch (IOException failed) {
      fresh.close();
      throw failed;
    }
    socket = fresh;
    connections.incrementAndGet();
  }

  private static byte[] request(String key, long casId, byte[] value, int id) {
    byte[] name = key.getBytes(StandardCharsets.UTF_8);
    ByteBuffer request = ByteBuffer.allocate(HEADER + EXTRAS + name.length + value.length);
    request
        .put(REQUEST)
        .put(REPLACE)
        .putShort((short) name.length)
        .put((byte) EXTRAS)
        .put((byte) 0) // data type
        .putShort((short) 0) // vbucket
        .putInt(EXTRAS + name.length + value.length)
        .putInt(id)
        .putLong(casId)
        .putInt(BYTE_ARRAY_FLAGS)
        .putInt(0) // never expires
        .put(name)
        .put(value);
    return request.array();
  }

  private Result answer(int id) throws IOException {
    byte[] header = new byte[HEADER];
    in.readFully(header);
    ByteBuffer fields = ByteBuffer.wrap(header);
    short status = fields.getShort(6);
    int bodyLength = fields.getInt(8);
    if (header[0] != RESPONSE || header[1] != REPLACE || fields.getInt(12) != id || bodyLength < 0) {
      throw new IOException("memcached at " + server + " answered out of turn");
    }
    byte[] body = new byte[bodyLength];
    in.readFully(body);
    long cas = fields.getLong(16);
    if (status == 0) {
      return new Result(Outcome.STORED, cas);
    }
    if (status == KEY_EXISTS || status == KEY_NOT_FOUND) {
      return new Result(Outcome.CONFLICT, 0);
    }
    throw new RefusedException(
        "memcached at " + server + " refused the write (status " + status + "): "
            + new String(body, StandardCharsets.UTF_8));
  }

  /** Memcached answered, and did not store the value (other than for a conflict). */
  static final class RefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }
}
