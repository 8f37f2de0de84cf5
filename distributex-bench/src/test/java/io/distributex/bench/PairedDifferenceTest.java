package io.distributex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PairedDifferenceTest {
  @Test
  void theMedianIsOfTheDifferencesRoundByRoundNotOfTheTwoMedians() {
    // Both sides drift together from round to round; the first is always 10 us faster.
    long[] second = LongStream.rangeClosed(1, 60).map(round -> 1_000_000 * round).toArray();
    long[] first = LongStream.of(second).map(sample -> sample - 10_000).toArray();

    PairedDifference paired = PairedDifference.of(first, second);

    assertEquals(-10_000, paired.median());
    assertEquals(-10_000, paired.low());
    assertEquals(-10_000, paired.high());
    assertEquals(60, paired.firstFaster());
    assertEquals("-10.0 us (95% CI -10.0 us to -10.0 us), faster in 60 of 60 rounds", paired.toString());
  }

  @Test
  void theIntervalSpansTheOrderStatisticsAroundTheMedian() {
    long[] second = new long[60];
    long[] first = LongStream.rangeClosed(1, 60).map(round -> 1_000 * (round - 30)).toArray();

    PairedDifference paired = PairedDifference.of(first, second);

    assertEquals(500, paired.median()); // between the 30th (0) and the 31st (1,000)
    assertEquals(-8_000, paired.low()); // rank 22 of 60
    assertEquals(9_000, paired.high()); // rank 39 of 60
    assertEquals(29, paired.firstFaster());
    assertTrue(paired.low() <= paired.median() && paired.median() <= paired.high());
  }

  @Test
  void samplesOfDifferentRoundsCannotBePaired() {
    assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(new long[3], new long[2]));
    assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(new long[0], new long[0]));
  }
}
