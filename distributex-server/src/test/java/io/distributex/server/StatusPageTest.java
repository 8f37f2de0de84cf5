package io.distributex.server;

import static io.distributex.server.ServerTestSupport.answer;
import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.awaitWaiters;
import static io.distributex.server.ServerTestSupport.get;
import static io.distributex.server.ServerTestSupport.rawOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distributex.server.ServerTestSupport.Reply;
import io.distributex.testing.RawHttpConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTML of {@code /}: what it shows, that it escapes names, refreshes, and runs nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusPageTest extends ServerTestBase {
  private static final Pattern REFRESH = Pattern.compile("<meta http-equiv=\"refresh\" content=\"(\\d+)\">");

  @Test
  void isAnHtmlPageThatRefreshesItselfWithinFiveSecondsAndMayRunNothing() {
    Reply page = get(server, "/");
    assertEquals(200, page.status());
    assertEquals("text/html; charset=utf-8", page.contentType());
    assertTrue(page.body().startsWith("<!DOCTYPE html>"), page::toString);
    Matcher refresh = REFRESH.matcher(page.body());
    assertTrue(refresh.find(), "a meta refresh");
    int seconds = Integer.parseInt(refresh.group(1));
    assertTrue(seconds >= 1 && seconds <= 5, "refreshes every " + seconds + " s");
    assertFalse(page.body().contains("<script"), "no script");
    assertEquals("default-src 'none'; style-src 'unsafe-inline'", page.header("Content-Security-Policy").orElse(""));
    assertEquals("no-store", page.header("Cache-Control").orElse(""));
    for (String pool : List.of("p1", "never", "sem", "short", "builds", "acl")) {
      assertTrue(page.body().contains("<h2>" + pool + "<span>"), pool);
    }
  }

  @Test
  void showsHoldersWithTokenAndTimesAndWaitersInQueueOrder() {
    long token = assertYes(get(server, "/get/?pool=p1&host=holder-a"));
    assertYes(get(server, "/get/?pool=never&host=holder-b"));
    try (RawHttpConnection first = rawOpen(server, "GET", "/wait/?pool=p1&host=waiter-1")) {
      awaitWaiters(server, "p1", List.of("waiter-1"));
      try (RawHttpConnection second = rawOpen(server, "GET", "/wait/?pool=p1&host=waiter-2")) {
        awaitWaiters(server, "p1", List.of("waiter-1", "waiter-2"));
        String page = get(server, "/").body();
        String holder = "<td class=\"host\">holder-a</td><td>exclusive</td><td>" + token + "</td><td>\\d+ s</td><td>(4 min \\d+ s|5 min)</td>";
        assertTrue(Pattern.compile(holder).matcher(page).find(), page);
        assertTrue(page.contains("<th>Holder</th><th>Mode</th><th>Token</th>"), page);
        assertTrue(page.contains("<td class=\"host\">holder-b</td>") && page.contains("<td>never</td>"), page);
        int one = page.indexOf("<td>1</td><td class=\"host\">waiter-1</td><td>exclusive</td>");
        int two = page.indexOf("<td>2</td><td class=\"host\">waiter-2</td>");
        assertTrue(one > 0 && two > one, "waiters in queue order: " + page);
        assertTrue(page.contains("p1<span>1 of 1 held · 2 waiting</span>"), page);
        assertFalse(first.answered() || second.answered(), "showing the page answered a waiter");
      }
    }
  }

  @Test
  void hostNamesAreEscaped() {
    assertYes(get(server, "/get/?pool=sem&host=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27%26"));
    String page = get(server, "/").body();
    assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"), page);
    assertFalse(page.contains("<script>"), page);
  }

  @Test
  void headAnswersWithoutABody() {
    try (RawHttpConnection head = rawOpen(server, "HEAD", "/")) {
      Reply reply = answer(head);
      assertEquals(200, reply.status());
      assertEquals("", reply.body());
    }
  }

  @Test
  void timeSpansReadAsAPersonWouldSayThem() {
    assertEquals("0 s", StatusPage.span(-5));
    assertEquals("0 s", StatusPage.span(999));
    assertEquals("59 s", StatusPage.span(59_999));
    assertEquals("1 min", StatusPage.span(60_000));
    assertEquals("3 min 5 s", StatusPage.span(185_000));
    assertEquals("5 min", StatusPage.span(300_000));
    assertEquals("2 h 10 min", StatusPage.span(7_800_000));
    assertEquals("1 d", StatusPage.span(86_400_000));
    assertEquals("3 d 4 h", StatusPage.span((3 * 24 + 4) * 3_600_000L));
  }
}
