package io.distributex.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EmbeddedServerExampleTest {
  @Test
  void runsAndShowsTheHandOver() throws Exception {
    String output = StandardOutput.capture(() -> EmbeddedServerExample.main(new String[0]));
    assertTrue(output.matches("(?s).*web1 takes deploy: YES \\(token \\d+\\).*"), output);
    assertTrue(output.contains("web2 takes deploy: NO"), output);
    assertTrue(output.contains("web1 releases:     OK"), output);
    assertTrue(output.matches("(?s).*web1 releases:     OK\\s+web2 takes deploy: YES.*"), output);
  }
}
