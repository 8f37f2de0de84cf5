package io.distributex.server;

import static io.distributex.server.ServerTestSupport.assertYes;
import static io.distributex.server.ServerTestSupport.async;
import static io.distributex.server.ServerTestSupport.bearer;
import static io.distributex.server.ServerTestSupport.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real headless Chromium (Debian's {@code chromium}, which {@code .ci/run}
 * installs): opened with Basic credentials as a person would, it shows a holder and a waiter that
 * arrive after it loaded, by reloading itself, with the host names shown as text, never as markup.
 * It leaves a screenshot in {@code target/status-page.png}.
 */
@Timeout(120)
class StatusPageBrowserIT {
  private static final String SECRET = "page-s3cret";
  private static final String HOSTILE_HOST = "<b id=\"injected\">web1</b> & 'co'";

  @Test
  void showsHoldersAndWaitersAsTheyComeWithoutBeingReloadedByHand(@TempDir Path profile) throws Exception {
    Path chromium = ServerTestSupport.program("chromium");
    String yaml =
        """
        auth:
          secret: %s
        pools:
          - name: pool1
            expire: 300
          - name: builds
            maxlocks: 3
            expire: 0
        """
            .formatted(SECRET);
    try (DistributexServer server = ServerTestSupport.start(yaml);
        Chromium browser = Chromium.start(chromium, profile, 1200, 800)) {
      int port = server.address().getPort();
      browser.open("http://operator:" + SECRET + "@127.0.0.1:" + port + "/");
      String first = awaitText(browser, text -> text.contains("pool1") && text.contains("builds"));
      assertTrue(first.contains("No holders."), first);

      String host = URLEncoder.encode(HOSTILE_HOST, StandardCharsets.UTF_8);
      long token = assertYes(get(server, "/get/?pool=pool1&host=" + host, bearer(SECRET)));
      assertYes(get(server, "/get/?pool=builds&host=ci-runner-7", bearer(SECRET)));
      var waiting = async(server, "GET", "/wait/?pool=pool1&host=waiter-1", bearer(SECRET));

      String shown =
          awaitText(browser, text -> text.contains(HOSTILE_HOST) && text.contains("waiter-1"));
      assertTrue(shown.contains(Long.toString(token)), shown);
      assertTrue(shown.contains("ci-runner-7"), shown);
      assertTrue(shown.contains("1 of 1 held · 1 waiting"), shown);
      assertEquals("true", browser.evaluate("document.getElementById('injected') === null"), "a host name became markup");

      Path screenshot = Path.of("target", "status-page.png");
      Files.write(screenshot, browser.screenshot());
      assertTrue(Files.size(screenshot) > 1_000);
      waiting.cancel(true);
    }
  }

  /** Polls the page's text until {@code wanted}; fails after {@link ServerTestSupport#SETTLE}. */
  private static String awaitText(Chromium browser, Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + ServerTestSupport.SETTLE.toNanos();
    String text = null;
    while (System.nanoTime() < deadline) {
      text = browser.evaluate("document.body ? document.body.innerText : ''");
      if (text != null && wanted.test(text)) {
        return text;
      }
      Thread.sleep(100);
    }
    fail("the page never showed what was expected; it shows: " + text);
    return text;
  }
}
