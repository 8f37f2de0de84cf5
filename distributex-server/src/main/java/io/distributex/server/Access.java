package io.distributex.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import io.distributex.server.config.AuthConfig;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who may call the server, from the {@code auth} section (docs/protocol.md): without it everyone
 * may; with it every call but {@code /health} needs {@code Authorization: Bearer SECRET} or HTTP
 * Basic with the secret as password. The user name of Basic is ignored for the shared and admin
 * secrets and must be the client's name for a client's own secret.
 *
 * <p>Every secret is compared in constant time ({@link MessageDigest#isEqual}, the presented
 * secret first, so the time depends only on its own length), and every one of them is compared
 * on every request, so the time does not tell which one nearly matched.
 */
final class Access {
  static final String CHALLENGE = "Basic realm=\"distributex\"";

  private final Optional<AuthConfig> auth;

  Access(Optional<AuthConfig> auth) {
    this.auth = auth;
  }

  /**
   * The caller of {@code exchange}.
   *
   * @throws Refusal 401 with a Basic challenge when auth is configured and no accepted secret came
   */
  Caller identify(HttpExchange exchange) throws Refusal {
    if (auth.isEmpty()) {
      return Caller.ANYONE;
    }
    Caller caller = match(auth.get(), exchange.getRequestHeaders().getFirst("Authorization"));
    if (caller == null) {
      exchange.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
      throw Refusal.invalid(401, "authentication required");
    }
    return caller;
  }

  /** Refuses {@code force=1} unless {@code caller} is the administrator. */
  void requireAdmin(Caller caller) throws Refusal {
    if (caller.admin()) {
      return;
    }
    if (auth.flatMap(AuthConfig::admin).isEmpty()) {
      throw Refusal.invalid(
          403, "force=1 needs the admin secret, and none is configured (auth.admin)");
    }
    throw Refusal.invalid(403, "force=1 needs the admin secret");
  }

  /** The caller the header proves, or null. */
  private static Caller match(AuthConfig auth, String header) {
    Presented presented = Presented.parse(header);
    if (presented == null) {
      return null;
    }
    boolean admin = matches(presented.secret(), auth.admin());
    boolean shared = matches(presented.secret(), auth.secret());
    String client = null;
    for (Map.Entry<String, String> each : auth.clients().entrySet()) {
      boolean named = presented.user() == null || presented.user().equals(each.getKey());
      if (matches(presented.secret(), Optional.of(each.getValue())) && named && client == null) {
        client = each.getKey();
      }
    }
    if (admin) {
      return Caller.ADMIN;
    }
    if (shared) {
      return Caller.ANYONE;
    }
    return client == null ? null : Caller.client(client);
  }

  private static boolean matches(byte[] presented, Optional<String> secret) {
    return secret.isPresent() && MessageDigest.isEqual(presented, secret.get().getBytes(UTF_8));
  }

  /** A secret as the request presents it, with the Basic user name (null for Bearer). */
  private record Presented(String user, byte[] secret) {
    static Presented parse(String header) {
      if (header == null) {
        return null;
      }
      int space = header.indexOf(' ');
      if (space < 0) {
        return null;
      }
      String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
      String credentials = header.substring(space + 1).trim();
      if (scheme.equals("bearer")) {
        return new Presented(null, credentials.getBytes(UTF_8));
      }
      if (!scheme.equals("basic")) {
        return null;
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(credentials), UTF_8);
      } catch (IllegalArgumentException notBase64) {
        return null; // malformed Basic credentials count as none presented
      }
      int colon = decoded.indexOf(':');
      return colon < 0
          ? null
          : new Presented(decoded.substring(0, colon), decoded.substring(colon + 1).getBytes(UTF_8));
    }
  }
}
