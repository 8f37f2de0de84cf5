package io.distributex.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.distributex.core.Grant;
import io.distributex.core.Mode;
import io.distributex.core.Pool;
import io.distributex.core.PoolSnapshot;
import io.distributex.core.Waiter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The human status page at {@code /}: every pool with its holders (host, mode, token, held for,
 * expires in) and its waiters (host, mode) in queue order. It reloads itself every {@value #REFRESH_SECONDS} seconds
 * (a meta refresh: no script, so it works wherever HTML does, behind Basic auth too). Every name
 * is HTML-escaped, since hosts are whatever clients send; the handler also forbids scripts.
 */
final class StatusPage {
  static final int REFRESH_SECONDS = 2;
  static final String CONTENT_TYPE = "text/html; charset=utf-8";
  /** Inline style only: nothing on the page may run or load anything. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private static final String STYLE =
      """
      body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
      header{background:#1d2330;color:#fff;padding:12px 24px}
      header h1{font-size:20px;margin:0 16px 0 0;display:inline}
      main{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:16px;
        padding:16px 24px}
      section{background:#fff;border-radius:6px;padding:12px 16px;border-left:6px solid #2e9e5b}
      section.busy{border-left-color:#e0a100}section.full{border-left-color:#d23c3c}
      h2{font-size:18px;margin:0}h2 span{font-size:14px;font-weight:normal;margin-left:8px}
      .settings,.none{color:#667}table{border-collapse:collapse;width:100%;margin-top:8px}
      th,td{text-align:left;padding:3px 8px 3px 0;border-bottom:1px solid #eee;white-space:nowrap}
      th{font-size:12px;color:#667;text-transform:uppercase}
      td.host{font-weight:600;white-space:normal;word-break:break-all}
      """;

  private StatusPage() {}

  static byte[] render(List<PoolSnapshot> pools, Instant now) {
    int held = pools.stream().mapToInt(p -> p.holders().size()).sum();
    int waiting = pools.stream().mapToInt(p -> p.waiters().size()).sum();
    StringBuilder html = start();
    html.append("<header><h1>Distributex</h1>")
        .append(pools.size()).append(" pools · ")
        .append(held).append(" held · ")
        .append(waiting).append(" waiting · ")
        .append(CLOCK.format(now)).append(" · refreshes every ").append(REFRESH_SECONDS)
        .append(" s</header>\n<main>\n");
    pools.forEach(pool -> pool(html, pool, now.toEpochMilli()));
    return html.append("</main>\n</body>\n</html>\n").toString().getBytes(UTF_8);
  }

  /** The page when the backend cannot be read: the sentence, and it keeps refreshing. */
  static byte[] unavailable(String sentence) {
    return start()
        .append("<header><h1>Distributex</h1>")
        .append(escape(sentence))
        .append("</header>\n</body>\n</html>\n")
        .toString()
        .getBytes(UTF_8);
  }

  private static StringBuilder start() {
    return new StringBuilder(4096)
        .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">\n")
        .append("<title>Distributex status</title>\n<style>\n").append(STYLE)
        .append("</style>\n</head>\n<body>\n");
  }

  private static void pool(StringBuilder html, PoolSnapshot snapshot, long now) {
    Pool pool = snapshot.pool();
    int held = snapshot.holders().size();
    boolean shared = snapshot.holders().stream().anyMatch(grant -> grant.mode() == Mode.SHARED);
    int limit = shared ? pool.maxShared().orElse(Integer.MAX_VALUE) : pool.maxlocks();
    String state = held == 0 ? "free" : held < limit ? "busy" : "full";
    html.append("<section class=\"").append(state).append("\"><h2>").append(escape(pool.name()))
        .append("<span>").append(held)
        .append(shared ? " shared" + (limit == Integer.MAX_VALUE ? "" : " of " + limit) : " of " + pool.maxlocks())
        .append(" held · ")
        .append(snapshot.waiters().size()).append(" waiting</span></h2>\n")
        .append("<div class=\"settings\">expire ")
        .append(pool.expires() ? span(pool.expire().toMillis()) : "never")
        .append(pool.strict() ? " · strict" : "")
        .append(pool.maxShared().isPresent() ? " · maxshared " + pool.maxShared().getAsInt() : "");
    if (!pool.allowedHosts().isEmpty()) {
      html.append(" · hosts: ").append(escape(String.join(", ", pool.allowedHosts())));
    }
    snapshot.closedUntil().ifPresent(
        until -> html.append(" · a slot closed by lock-delay for ").append(span(until.toEpochMilli() - now)));
    html.append("</div>\n");
    if (held == 0) {
      html.append("<p class=\"none\">No holders.</p>\n");
    } else {
      html.append("<table><tr><th>Holder</th><th>Mode</th><th>Token</th><th>Held for</th>")
          .append("<th>Expires in</th></tr>\n");
      for (Grant grant : snapshot.holders()) {
        html.append("<tr><td class=\"host\">").append(escape(grant.host()))
            .append("</td><td>").append(grant.mode().label())
            .append("</td><td>").append(grant.token())
            .append("</td><td>").append(span(now - grant.acquired().toEpochMilli()))
            .append("</td><td>")
            .append(grant.expires().map(at -> span(at.toEpochMilli() - now)).orElse("never"))
            .append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    if (!snapshot.waiters().isEmpty()) {
      html.append("<table><tr><th>#</th><th>Waiter</th><th>Mode</th><th>Waiting for</th></tr>\n");
      int place = 0;
      for (Waiter waiter : snapshot.waiters()) {
        html.append("<tr><td>").append(++place)
            .append("</td><td class=\"host\">").append(escape(waiter.host()))
            .append("</td><td>").append(waiter.mode().label())
            .append("</td><td>").append(span(now - waiter.since().toEpochMilli()))
            .append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    html.append("</section>\n");
  }

  /**
   * A time span as a person reads it, to the second and in two units at most: {@code 42 s},
   * {@code 3 min 5 s}, {@code 5 min}, {@code 2 h 10 min}, {@code 3 d 4 h}.
   */
  static String span(long millis) {
    long seconds = Math.max(0, millis) / 1000;
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return units(seconds / 60, "min", seconds % 60, "s");
    }
    if (seconds < 86_400) {
      return units(seconds / 3600, "h", seconds % 3600 / 60, "min");
    }
    return units(seconds / 86_400, "d", seconds % 86_400 / 3600, "h");
  }

  private static String units(long major, String majorUnit, long minor, String minorUnit) {
    return major + " " + majorUnit + (minor == 0 ? "" : " " + minor + " " + minorUnit);
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
