package io.distributex.bench;

/**
 * A program that does nothing: the {@code cli} measure's reference, a JVM that starts, loads one
 * class and exits. Run from a directory holding only this class, so its class path is the leanest.
 */
public final class EmptyMain {
  private EmptyMain() {}

  public static void main(String[] args) {
    // nothing: the time to get here and back out is the JVM's own
  }
}
