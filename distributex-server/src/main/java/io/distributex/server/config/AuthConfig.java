package io.distributex.server.config;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import io.distributex.core.Names;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code auth} section: which secrets the server accepts. With it, every call but {@code
 * /health} needs a secret: the shared {@code secret}, a client's own secret (the client may then
 * act only under its own name), or the {@code admin} secret (which may also force-release).
 *
 * @param secret the secret every client may use, if any
 * @param clients each client's name (the host it acts as) and its own secret, in file order
 * @param admin the administrator's secret, if any
 */
public record AuthConfig(
    Optional<String> secret, Map<String, String> clients, Optional<String> admin) {
  public AuthConfig {
    requireNonNull(secret, "secret").ifPresent(s -> checkSecret("secret", s));
    requireNonNull(admin, "admin").ifPresent(s -> checkSecret("admin secret", s));
    clients.forEach(
        (name, clientSecret) -> {
          Names.check("client name", name);
          checkSecret("secret of client '" + name + "'", clientSecret);
        });
    clients = ImmutableMap.copyOf(clients);
  }

  /**
   * Returns what is wrong with {@code value} as a secret (named {@code what} in the sentence), or
   * empty when it is usable: it travels in an HTTP header, so it must be non-empty and free of
   * control characters.
   */
  static Optional<String> problem(String what, String value) {
    if (value.isEmpty()) {
      return Optional.of(what + " must not be empty");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(what + " must not contain control characters");
    }
    return Optional.empty();
  }

  private static void checkSecret(String what, String value) {
    problem(what, value)
        .ifPresent(
            p -> {
              throw new IllegalArgumentException(p);
            });
  }

  /**
   * Shows who may authenticate but none of the secrets, so a logged configuration leaks nothing.
   */
  @Override
  public String toString() {
    return "AuthConfig[secret="
        + secret.map(s -> "***")
        + ", clients="
        + clients.keySet()
        + ", admin="
        + admin.map(s -> "***")
        + "]";
  }
}
