package io.distributex.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EmbeddedServerExampleTest {
  @Test
  void runsAndShowsTheHandOver() throws Exception {
    String output = captureOutput(() -> EmbeddedServerExample.main(new String[0]));
    assertTrue(output.matches("(?s).*web1 takes deploy: YES \\(token \\d+\\).*"), output);
    assertTrue(output.contains("web2 takes deploy: NO"), output);
    assertTrue(output.contains("web1 releases:     OK"), output);
    assertTrue(output.matches("(?s).*web1 releases:     OK\\s+web2 takes deploy: YES.*"), output);
  }

  interface Program {
    void run() throws Exception;
  }

  static String captureOutput(Program program) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      program.run();
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
