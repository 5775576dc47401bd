package dev.tl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON schema tl.eval/1 and the terminal summary. */
class ReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> KEYS_IN_ORDER = List.of("schema", "n", "classes", "accuracy", "accuracy_ci95",
            "top_k", "macro", "weighted", "macro_f1_ci95", "bootstrap", "per_class", "confusion_matrix", "log_loss",
            "mcc", "ece", "calibration_bins", "most_confident_wrong", "warnings");

    private static JsonNode json(Evaluation e) throws Exception {
        return JSON.readTree(JSON.writeValueAsString(e.toJson()));
    }

    @Test
    void threeClassJsonHasTheDocumentedKeysAndNoRocAuc() throws Exception {
        Evaluation e = Fixtures.threeClass();
        JsonNode j = json(e);
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(KEYS_IN_ORDER, keys);
        assertFalse(j.has("roc_auc"));

        assertEquals("tl.eval/1", j.get("schema").asText());
        assertEquals(10, j.get("n").asInt());
        assertEquals("[\"A\",\"B\",\"C\"]", j.get("classes").toString());
        assertEquals(0.7, j.get("accuracy").asDouble(), 1e-12);
        assertEquals("[[3,1,0],[1,2,0],[1,0,2]]", j.get("confusion_matrix").toString());
        assertEquals(32.0 / 45, j.get("macro").get("f1").asDouble(), 1e-12);
        assertEquals(0.74, j.get("weighted").get("precision").asDouble(), 1e-12);
        // 3 classes: only k = 1 is non-trivial among the defaults {1, 3, 5}
        assertEquals("[\"1\"]", fieldNames(j.get("top_k")));

        JsonNode ci = j.get("accuracy_ci95");
        assertEquals(2, ci.size());
        assertTrue(ci.get(0).asDouble() <= 0.7 && 0.7 <= ci.get(1).asDouble(), ci.toString());
        assertEquals(2, j.get("macro_f1_ci95").size());
        assertEquals(1000, j.get("bootstrap").get("resamples").asInt());

        JsonNode a = j.get("per_class").get(0);
        assertEquals("[\"class\",\"precision\",\"recall\",\"f1\",\"support\"]", fieldNames(a));
        assertEquals("A", a.get("class").asText());
        assertEquals(0.6, a.get("precision").asDouble(), 1e-12);
        assertEquals(4, a.get("support").asInt());

        JsonNode bins = j.get("calibration_bins");
        assertEquals(10, bins.size());
        assertEquals("[\"lower\",\"upper\",\"count\",\"mean_confidence\",\"accuracy\"]", fieldNames(bins.get(0)));
        assertTrue(bins.get(0).get("mean_confidence").isNull(), "empty bin -> null, never NaN");

        JsonNode wrong = j.get("most_confident_wrong");
        assertEquals(3, wrong.size());
        assertEquals("img4.jpg", wrong.get(0).get("id").asText());
        assertEquals("B", wrong.get(0).get("true").asText());
        assertEquals("A", wrong.get(0).get("predicted").asText());

        assertEquals("10 images: one image moves accuracy by 10.00 points", j.get("warnings").get(0).asText());
    }

    @Test
    void binaryJsonHasRocAucAndExtraTopK() throws Exception {
        Evaluation e = Fixtures.binary(new int[] {1, 0, 1, 0, 1, 0, 0},
                new float[] {0.9f, 0.6f, 0.6f, 0.4f, 0.4f, 0.2f, 0.1f});
        JsonNode j = json(e);
        assertEquals(10.0 / 12, j.get("roc_auc").asDouble(), 1e-12);
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(keys.indexOf("mcc") + 1, keys.indexOf("roc_auc"));

        JsonNode extra = JSON.readTree(JSON.writeValueAsString(e.toJson(new Bootstrap(5).run(e), 5)));
        // 5 is capped at 2 classes -> key "2" with value 1.0
        assertEquals("[\"1\",\"2\"]", fieldNames(extra.get("top_k")));
        assertEquals(1.0, extra.get("top_k").get("2").asDouble(), 0);
        assertEquals(5, extra.get("bootstrap").get("seed").asLong());
    }

    @Test
    void jsonIsStable() throws Exception {
        Evaluation e = Fixtures.eightyPercent(5);
        assertEquals(JSON.writeValueAsString(e.toJson()), JSON.writeValueAsString(e.toJson()));
    }

    @Test
    void summaryIsShortAndNamesClasses() {
        Evaluation e = Fixtures.threeClass();
        String s = e.summary();
        String[] lines = s.split("\n");
        assertTrue(lines.length <= 12, s);
        assertTrue(lines[0].startsWith("n=10  accuracy 0.7000 ["), s);
        assertTrue(lines[0].contains("macro-F1 0.7111 ["), s);
        // per-class row for C: P 1, R 2/3, F1 0.8, support 3
        assertTrue(s.contains("C       1.000  0.667  0.800       3"), s);
        // confusion matrix header and row A = 3 1 0
        assertTrue(s.contains("confusion (rows = true, columns = predicted)"), s);
        assertTrue(s.contains("\nA     3 1 0\n"), s);
        assertTrue(s.contains("warning: 10 images"), s);
    }

    @Test
    void summaryOfManyClassesShowsOnlyTheWorst() {
        int c = 40;
        List<String> names = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            names.add("class" + k);
        }
        // every sample right except class7's, which are predicted as class0
        int[] truth = new int[c * 2];
        float[][] p = new float[c * 2][];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = i % c;
            p[i] = new float[c];
            p[i][truth[i] == 7 ? 0 : truth[i]] = 1f;
        }
        String s = new Evaluation(names, truth, p).summary();
        assertTrue(s.split("\n").length <= 16, s);
        assertTrue(s.contains("10 lowest-F1 of 40 classes"), s);
        assertTrue(s.contains("\nclass7 "), s);
        assertFalse(s.contains("confusion ("), s);
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        try {
            return JSON.writeValueAsString(names);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
