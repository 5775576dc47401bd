package dev.tl.train;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class ListenersTest {
    private static final Pattern ETA = Pattern.compile("ETA (\\d+)s");

    /** Runs epochs {@code from..to} of a {@code total}-epoch plan at 10 s each; returns the last ETA printed. */
    private static int lastEta(int total, int from, int to) {
        StringWriter out = new StringWriter();
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        Listeners.Progress p = new Listeners.Progress(new PrintWriter(out), total, clock::get);
        for (int e = from; e <= to; e++) {
            clock.addAndGet(10_000_000_000L);
            p.onEpochEnd(new EpochResult(e > 3 ? 1 : 0, e > 3 ? "stage4" : "head", e, e > 3 ? e - 3 : e,
                    0.5, 0.8, 0.6, 0.7, 1e-3, 10, 0, 100, 0), new Trainer.State(null, null, 0, e, e, 0.7, e, false, null));
        }
        Matcher m = ETA.matcher(out.toString());
        int eta = -1;
        while (m.find()) eta = Integer.parseInt(m.group(1));
        assertTrue(out.toString().contains("epoch " + to + "/" + total), out.toString());
        return eta;
    }

    @Test
    void etaFreshRun() {
        assertEquals(80, lastEta(10, 1, 2)); // 2 epochs in 20 s, 8 left
        assertEquals(0, lastEta(10, 1, 10));
    }

    @Test
    void etaAfterResumeCountsOnlyThisProcessAndTheWholePlanLeft() {
        // resumed after epoch 5 of 10 (3 head epochs + 7 of a later phase): one epoch here took 10 s, 4 are left.
        // The old rule (elapsed / epochs here x (total - epochs here)) said 90 s.
        assertEquals(40, lastEta(10, 6, 6));
        assertEquals(20, lastEta(10, 6, 8)); // 3 epochs in 30 s, 2 left (old rule: 70 s)
        assertEquals(0, lastEta(10, 9, 10));
    }

    @Test
    void etaFormula() {
        assertEquals(40.0, Listeners.Progress.eta(10, 1, 6, 10), 1e-9);
        assertEquals(0.0, Listeners.Progress.eta(10, 1, 12, 10), 1e-9); // never negative
    }
}
