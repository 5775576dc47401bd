package dev.tl.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recommendation: most accurate unless a faster strategy's interval overlaps it. */
class LeaderboardTest {
    private static Leaderboard.Row row(String s, double acc, double lo, double hi, double secs) {
        return new Leaderboard.Row(s, acc, lo, hi, acc, secs, 0, 10, 1, 1, 1, "runs/" + s);
    }

    @Test
    void prefersFastestWithinOverlap() {
        Leaderboard b = new Leaderboard(List.of(row("feature-extract", 0.93, 0.89, 0.97, 20),
                row("fine-tune", 0.95, 0.91, 0.98, 200), row("progressive", 0.80, 0.74, 0.86, 100)));
        assertEquals("feature-extract", b.recommendation().strategy());
        assertTrue(b.recommendation().reason().contains("fine-tune"), b.recommendation().reason());
        assertEquals("fine-tune", b.rows().get(0).strategy(), "sorted by accuracy");
    }

    /** head-replace ran in 10 s only because feature-extract had cached the features (25 s of its 28 s). */
    @Test
    void reusedFeaturesDoNotWinTheRecommendation() {
        Leaderboard b = new Leaderboard(List.of(row("feature-extract", 0.961, 0.928, 0.987, 28),
                new Leaderboard.Row("head-replace", 0.961, 0.928, 0.987, 0.96, 10, 25, 10, 1, 1, 1, "runs/hr")));
        assertEquals("feature-extract", b.recommendation().strategy(), b.recommendation().reason());
        assertEquals(35, b.rows().get(1).aloneSeconds(), 1e-9);
        assertTrue(b.table().contains("alone s"), b.table());
    }

    @Test
    void clearWinnerIsMostAccurate() {
        Leaderboard b = new Leaderboard(List.of(row("feature-extract", 0.70, 0.65, 0.75, 20),
                row("fine-tune", 0.95, 0.91, 0.98, 200)));
        assertEquals("fine-tune", b.recommendation().strategy());
        assertTrue(b.recommendation().reason().contains("no other"), b.recommendation().reason());
    }
}
