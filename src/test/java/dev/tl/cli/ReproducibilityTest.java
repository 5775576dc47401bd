package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.model.FastPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Same config and seed, trained twice: the same losses epoch by epoch and the same validation result. */
class ReproducibilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** metrics.csv columns that must repeat exactly (the rest are timings). */
    private static final int[] DETERMINISTIC = {0, 1, 2, 3, 4, 5, 6, 7, 8};

    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void setUp() {
        FastPath.enable();
        data = CliHarness.dataset(tmp.resolve("data"));
    }

    private static Path train(Path cfg, Path runs, Path models) {
        tl("train", "-c", cfg.toString(), "--models-dir", models.toString(), "--runs-dir", runs.toString(),
                "--data", data.toString()).expect(0);
        List<Path> dirs = CliHarness.runDirs(runs);
        return dirs.get(dirs.size() - 1);
    }

    private static List<String> lossColumns(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().map(l -> {
            String[] f = l.split(",");
            return String.join(",", Arrays.stream(DETERMINISTIC).mapToObj(i -> f[i]).toList());
        }).toList();
    }

    private static void assertSameResult(Path a, Path b) throws IOException {
        assertEquals(lossColumns(a), lossColumns(b), "metrics.csv losses/accuracies");
        JsonNode ea = JSON.readTree(a.resolve("eval.json").toFile());
        JsonNode eb = JSON.readTree(b.resolve("eval.json").toFile());
        assertEquals(ea.get("accuracy").asDouble(), eb.get("accuracy").asDouble(), 0.0, "val accuracy");
        assertEquals(ea, eb, "eval.json (probabilities included)");
        JsonNode pa = JSON.readTree(a.resolve("provenance.json").toFile());
        JsonNode pb = JSON.readTree(b.resolve("provenance.json").toFile());
        for (String k : List.of("config_sha256", "data_fingerprint", "seed", "weights")) assertEquals(pa.get(k), pb.get(k), k);
    }

    /** Backbone training, augmented views, a hidden layer with dropout; separate model caches. */
    @Test
    void fineTuneTwiceGivesIdenticalResults() throws IOException {
        Path cfg = CliHarness.config(tmp.resolve("ft.yaml"), data, tmp.resolve("unused"), "fine-tune",
                "  unfreeze_from: stage1\n  head:\n    hidden: [16]\n    dropout: 0.3\n", 2);
        Path a = train(cfg, tmp.resolve("runs-ft"), tmp.resolve("models-a"));
        Path b = train(cfg, tmp.resolve("runs-ft"), tmp.resolve("models-b"));
        assertSameResult(a, b);
    }

    /** Progressive: the second run reads the frozen features from the first run's disk cache. */
    @Test
    void progressiveTwiceWithSharedFeatureCacheGivesIdenticalResults() throws IOException {
        String phases = "  phases:\n"
                + "    - {name: head, unfreeze: [], epochs: 2, lr: 3.0e-3}\n"
                + "    - {name: top, unfreeze: [stage2], epochs: 1, lr: 1.0e-3}\n";
        Path cfg = CliHarness.config(tmp.resolve("prog.yaml"), data, tmp.resolve("unused"), "progressive", phases, 1);
        Path models = tmp.resolve("models-shared");
        Path a = train(cfg, tmp.resolve("runs-prog"), models);
        Path b = train(cfg, tmp.resolve("runs-prog"), models);
        assertSameResult(a, b);
    }
}
