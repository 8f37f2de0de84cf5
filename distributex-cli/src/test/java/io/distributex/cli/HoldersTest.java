package io.distributex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one line about who holds a pool, from /status as docs/protocol.md shows it. */
class HoldersTest {
  private static final String STATUS =
      "{\"pools\":[{\"name\":\"pool1\",\"maxlocks\":1,\"expire\":300,\n"
          + "  \"holders\":[{\"host\":\"me\",\"token\":17,\"acquired\":1764417600000,\"expires\":1764417900000}],\n"
          + "  \"waiters\":[{\"host\":\"them\",\"since\":1764417601000},{\"host\":\"us\",\"since\":1764417602000}]},\n"
          + " {\"name\":\"empty\",\"maxlocks\":2,\"expire\":null,\"holders\":[],\"waiters\":[]}]}";

  @Test
  void namesTheHolderAndOurPlace() {
    assertEquals(
        "held by me for 42 s (token 17); 1 ahead of us in the queue",
        Holders.describe(Json.parse(STATUS), "pool1", "us", 1764417642000L));
    assertEquals(
        "held by me for 42 s (token 17); 2 waiting",
        Holders.describe(Json.parse(STATUS), "pool1", "stranger", 1764417642000L));
    assertEquals("no holder at this moment", Holders.describe(Json.parse(STATUS), "empty", "us", 0));
    assertEquals("the server's status does not show the pool", Holders.describe(Json.parse(STATUS), "nope", "us", 0));
  }

  @Test
  void namesSharedHolders() {
    String status =
        "{\"pools\":[{\"name\":\"p\",\"holders\":[{\"host\":\"r1\",\"mode\":\"shared\",\"token\":3},"
            + "{\"host\":\"r2\",\"mode\":\"shared\",\"token\":4}],\"waiters\":[]}]}";
    assertEquals("held by r1 (shared) (token 3), r2 (shared) (token 4)", Holders.describe(Json.parse(status), "p", "us", 0));
  }

  @Test
  void jsonValues() {
    assertEquals(
        Map.of("a", List.of(new BigDecimal("1"), "x\"\u00e9\n", true, false), "b", Map.of()),
        Json.parse(" {\"a\": [1, \"x\\\"\\u00e9\\n\", true, false], \"b\": {}} "));
    assertEquals(null, Json.parse("null"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":}"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,]"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[] x"));
  }
}
