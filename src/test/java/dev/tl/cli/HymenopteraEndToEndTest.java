package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.backbone.TestEnv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance bar on real data: ResNet50 with real ImageNet weights on the ants/bees dataset,
 * through the CLI exactly as a user runs it, with the shipped configs. feature-extract and progressive
 * must reach 0.92 validation accuracy, fine-tune and head-replace 0.90. Then {@code tl eval} on the saved
 * bundle (recomputed from the images) must agree with what training reported.
 */
@Tag("slow")
class HymenopteraEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void init() {
        TestEnv.init();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"quickstart, 0.92", "head-replace, 0.90", "fine-tune, 0.90", "progressive, 0.92"})
    void strategyReachesTheBar(String config, double bar, @TempDir Path runs) throws Exception {
        Path data = TestEnv.sharedFile("datasets/hymenoptera");
        Path configFile = Path.of("configs", config + ".yaml");
        CliHarness.Result r = CliHarness.tl("train", "-c", configFile.toString(), "--data", data.toString(),
                "--runs-dir", runs.toString(), "--models-dir", TestEnv.modelsRoot().toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode summary = JSON.readTree(r.out());
        double acc = summary.get("val_accuracy").asDouble();
        System.out.printf("%s: val accuracy %.4f, train %.1fs, featurize %.1fs%n", config, acc,
                summary.get("train_seconds").asDouble(), summary.get("featurize_seconds").asDouble());
        assertTrue(acc >= bar, config + ": val accuracy " + acc + " below " + bar);

        Path run = Path.of(summary.get("run").asText());
        assertTrue(Files.isRegularFile(run.resolve("model.tl.zip")));
        // The run's report: its pictures exist and its confusion matrix accounts for every validation image.
        for (String f : new String[]{"report.html", "confusion_matrix.png", "learning_curves.png", "reliability.png"}) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing in " + run);
        }
        long counted = 0;
        for (JsonNode row : JSON.readTree(run.resolve("eval.json").toFile()).get("confusion_matrix")) {
            for (JsonNode c : row) counted += c.asLong();
        }
        assertEquals(153, counted, "confusion matrix counts");
        CliHarness.Result ev = CliHarness.tl("eval", "--model", run.toString(), "--data", data.toString(), "--json");
        assertEquals(0, ev.code(), ev.err());
        JsonNode evJson = JSON.readTree(ev.out());
        assertEquals(153, evJson.get("n").asInt());
        // Recomputed from the images through the predict path vs. training's cached activations: the same
        // decisions (probabilities may differ in the 6th digit from BatchNorm folding and summation order).
        assertEquals(acc, evJson.get("accuracy").asDouble(), 1.0 / 153 + 1e-9, config);
    }
}
