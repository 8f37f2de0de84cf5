package io.distributex.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs an example's main with {@code System.out} captured, as the example tests check it. */
final class StandardOutput {
  /** An example's main, run by a test. */
  interface Program {
    void run() throws Exception;
  }

  private StandardOutput() {}

  /** What {@code program} printed; also echoed to the real standard output, for the test log. */
  static String capture(Program program) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      program.run();
    } finally {
      System.setOut(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }
}
