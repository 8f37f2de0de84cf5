package io.distributex.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.distributex.core.Grant;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Waiter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@code /status} document of docs/protocol.md: every pool, its settings, holders, waiters.
 * Fields added since 1.0's first form come after the ones it had, so that a script matching the
 * text of a holder or waiter (<code>{"host":"h","token":17,</code>) still finds it.
 */
final class StatusJson {
  private static final JsonFactory JSON = new JsonFactory();

  private StatusJson() {}

  static byte[] render(List<PoolSnapshot> pools) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("pools");
      for (PoolSnapshot snapshot : pools) {
        writePool(json, snapshot);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toByteArray();
  }

  private static void writePool(JsonGenerator json, PoolSnapshot snapshot) throws IOException {
    Pool pool = snapshot.pool();
    json.writeStartObject();
    json.writeStringField("name", pool.name());
    json.writeNumberField("maxlocks", pool.maxlocks());
    json.writeNumberField("expire", pool.expire().toSeconds());
    json.writeBooleanField("strict", pool.strict());
    json.writeNumberField("lockdelay", pool.lockDelay().toSeconds());
    json.writeFieldName("maxshared");
    if (pool.maxShared().isPresent()) {
      json.writeNumber(pool.maxShared().getAsInt());
    } else {
      json.writeNull();
    }
    if (snapshot.closedUntil().isPresent()) {
      json.writeNumberField("closedUntil", snapshot.closedUntil().get().toEpochMilli());
    }
    json.writeArrayFieldStart("servers");
    for (String host : pool.allowedHosts()) {
      json.writeString(host);
    }
    json.writeEndArray();
    json.writeArrayFieldStart("holders");
    for (Grant grant : snapshot.holders()) {
      json.writeStartObject();
      json.writeStringField("host", grant.host());
      json.writeNumberField("token", grant.token());
      json.writeNumberField("acquired", grant.acquired().toEpochMilli());
      json.writeFieldName("expires");
      if (grant.expires().isPresent()) {
        json.writeNumber(grant.expires().get().toEpochMilli());
      } else {
        json.writeNull();
      }
      json.writeStringField("mode", grant.mode().label());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("waiters");
    for (Waiter waiter : snapshot.waiters()) {
      json.writeStartObject();
      json.writeStringField("host", waiter.host());
      json.writeNumberField("since", waiter.since().toEpochMilli());
      json.writeStringField("mode", waiter.mode().label());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }
}
