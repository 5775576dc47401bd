package dev.tl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailUnderTest {

    @Test
    void bareNumberMeansAccuracy() {
        assertEquals(List.of(new FailUnder.Bar("accuracy", 0.9)), FailUnder.parse("0.9").bars());
    }

    @Test
    void parsesNamedCommaSeparatedBars() {
        assertEquals(List.of(new FailUnder.Bar("accuracy", 0.9), new FailUnder.Bar("macro_f1", 0.85),
                        new FailUnder.Bar("top5", 0.99), new FailUnder.Bar("mcc", -0.5)),
                FailUnder.parse(" accuracy=0.9, Macro_F1 = 0.85,top5=0.99,mcc=-0.5").bars());
    }

    @Test
    void unknownMetricListsValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FailUnder.parse("accuracy=0.9,f2=0.5"));
        assertTrue(e.getMessage().contains("'f2'"), e.getMessage());
        for (String name : List.of("accuracy", "macro_f1", "weighted_f1", "mcc", "roc_auc", "top5")) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> FailUnder.parse("top0=0.5"));
        assertThrows(IllegalArgumentException.class, () -> FailUnder.parse("log_loss=0.5"));
    }

    @Test
    void rejectsMalformedSpecs() {
        for (String bad : List.of("", "  ", "abc", "accuracy=", "accuracy=0.9,", "accuracy=0.9,accuracy=0.8",
                "accuracy=-0.1", "accuracy=1.01", "mcc=-1.5", "accuracy=NaN")) {
            assertThrows(IllegalArgumentException.class, () -> FailUnder.parse(bad), "'" + bad + "'");
        }
        assertThrows(IllegalArgumentException.class, () -> FailUnder.parse(null));
    }

    @Test
    void percentIsRejectedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FailUnder.parse("90"));
        assertTrue(e.getMessage().contains("did you mean 0.9"), e.getMessage());
    }

    @Test
    void checkReportsEachFailedBarWithValueAndBar() {
        Evaluation e = Fixtures.threeClass(); // accuracy 0.7, macro F1 32/45 = 0.7111, top-2 0.9
        // equal to the bar passes (7/10 meets 0.7 exactly)
        assertEquals(List.of(), FailUnder.parse("0.7").check(e));
        assertEquals(List.of(), FailUnder.parse("top2=0.9,top5=1,macro_f1=0.71").check(e));
        List<String> failures = FailUnder.parse("accuracy=0.71,macro_f1=0.72,top2=0.9").check(e);
        assertEquals(List.of("accuracy = 0.7000 is below the bar 0.71", "macro_f1 = 0.7111 is below the bar 0.72"),
                failures);
    }

    @Test
    void otherMetricsAreLookedUp() {
        Evaluation e = Fixtures.threeClass();
        // macro precision 34/45 = 0.7556, macro recall 25/36 = 0.6944, weighted precision 0.74, mcc 0.5471
        assertEquals(List.of(), FailUnder.parse(
                "macro_precision=0.75,macro_recall=0.69,weighted_precision=0.74,weighted_recall=0.7,mcc=0.54")
                .check(e));
        assertEquals(5, FailUnder.parse(
                "macro_precision=0.76,macro_recall=0.70,weighted_precision=0.75,weighted_recall=0.71,mcc=0.55")
                .check(e).size());
    }

    @Test
    void undefinedRocAucIsNotMet() {
        List<String> failures = FailUnder.parse("roc_auc=0.5").check(Fixtures.threeClass());
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).startsWith("roc_auc is undefined"), failures.get(0));
        // defined for two classes: AUC 10/12 = 0.8333 from BinaryMetricsTest
        Evaluation bin = Fixtures.binary(new int[] {1, 0, 1, 0, 1, 0, 0},
                new float[] {0.9f, 0.6f, 0.6f, 0.4f, 0.4f, 0.2f, 0.1f});
        assertEquals(List.of(), FailUnder.parse("roc_auc=0.83").check(bin));
        assertEquals(List.of("roc_auc = 0.8333 is below the bar 0.84"), FailUnder.parse("roc_auc=0.84").check(bin));
    }
}
