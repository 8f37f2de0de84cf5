package io.distributex.server;

/**
 * Who a request comes from, as its credentials say (docs/protocol.md): anyone (no {@code auth}
 * configured, or the shared secret), a named client, or the administrator.
 *
 * @param client the client's name, which is the only host it may act as; null for the others
 * @param admin whether the request carries the {@code admin} secret
 */
record Caller(String client, boolean admin) {
  static final Caller ANYONE = new Caller(null, false);
  static final Caller ADMIN = new Caller(null, true);

  static Caller client(String name) {
    return new Caller(name, false);
  }

  /**
   * The host a lock call acts as: the {@code host} parameter, which a client may leave out (it
   * then acts as itself) but never set to another name.
   */
  String host(Query query) throws Refusal {
    if (client == null) {
      return query.name("host");
    }
    if (!query.has("host")) {
      return client;
    }
    String asked = query.name("host");
    if (!asked.equals(client)) {
      throw Refusal.invalid(403, "client '" + client + "' may not act as '" + asked + "'");
    }
    return asked;
  }
}
