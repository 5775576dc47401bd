package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.model.FastPath;
import dev.tl.run.ModelBundle;
import dev.tl.train.Listeners;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tl train} end to end on the tiny backbone, one test per strategy; checks the whole run directory. */
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void setUp() {
        FastPath.enable();
        data = CliHarness.dataset(tmp.resolve("data"));
    }

    /** Trains with a fresh runs dir; returns the one run directory it created. */
    private static Path train(String name, String strategy, String strategyExtra, int epochs, List<String> expectedPhases) throws IOException {
        Path runs = tmp.resolve("runs-" + name);
        Path cfg = CliHarness.config(tmp.resolve(name + ".yaml"), data, runs, strategy, strategyExtra, epochs);
        CliHarness.Result r = tl("train", "-c", cfg.toString(), "--models-dir", tmp.resolve("models").toString(),
                "--runs-dir", runs.toString(), "--data", data.toString()).expect(0).noStackTrace();
        // skipped files are reported with their reasons
        r.errContains("skipped 2 file(s)", "notes.jpg", "anim.gif");
        List<Path> dirs = CliHarness.runDirs(runs);
        assertEquals(1, dirs.size(), "one run directory: " + dirs);
        Path run = dirs.get(0);
        assertTrue(run.getFileName().toString().contains(strategy), run.toString());
        r.outContains(run.resolve(ModelBundle.FILE_NAME).toString());
        checkRunDirectory(run, strategy, expectedPhases);
        return run;
    }

    static void checkRunDirectory(Path run, String strategy, List<String> phases) throws IOException {
        checkRunDirectory(run, strategy, phases, 7);
    }

    static void checkRunDirectory(Path run, String strategy, List<String> phases, long seed) throws IOException {
        for (String f : List.of("config.yaml", "provenance.json", "metrics.csv", "checkpoints/last.zip",
                ModelBundle.FILE_NAME, "eval.json", "summary.json")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), "missing " + f + " in " + run);
        }
        // the resolved config re-loads and names the strategy
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("name: " + strategy));

        JsonNode prov = JSON.readTree(run.resolve("provenance.json").toFile());
        assertEquals(seed, prov.get("seed").asLong());
        assertEquals(64, prov.get("data_fingerprint").asText().length(), "sha-256 hex: " + prov);
        assertTrue(prov.get("weights").asText().startsWith("tiny:"), prov.toString());
        assertTrue(prov.hasNonNull("backend") && !prov.get("backend").asText().isBlank(), prov.toString());

        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(Listeners.Csv.HEADER, csv.get(0));
        List<String> rows = csv.subList(1, csv.size());
        assertEquals(phases.size(), rows.size(), "one row per epoch: " + csv);
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            assertEquals(phases.get(i), f[1], "phase of epoch " + (i + 1));
            assertEquals(i + 1, Integer.parseInt(f[2]), "epoch numbering");
            // phase_epoch restarts at 1 at each phase boundary
            int expectedPhaseEpoch = 1;
            for (int j = i - 1; j >= 0 && phases.get(j).equals(phases.get(i)); j--) expectedPhaseEpoch++;
            assertEquals(expectedPhaseEpoch, Integer.parseInt(f[3]), "phase_epoch of epoch " + (i + 1) + ": " + rows.get(i));
            double loss = Double.parseDouble(f[4]);
            assertTrue(Double.isFinite(loss) && loss > 0, "train loss " + loss);
        }

        try (ZipFile z = new ZipFile(run.resolve("checkpoints/last.zip").toFile())) {
            assertNotNull(z.getEntry("state.json"));
        }
        ModelBundle.Info info = ModelBundle.readInfo(run.resolve(ModelBundle.FILE_NAME));
        assertEquals(CliHarness.CLASSES, info.classes());
        assertEquals(strategy, info.strategy());
        assertEquals("tiny", info.backbone());

        JsonNode eval = JSON.readTree(run.resolve("eval.json").toFile());
        assertEquals("tl.eval/1", eval.get("schema").asText());
        assertEquals(CliHarness.CLASSES.size() * CliHarness.VAL_PER_CLASS, eval.get("n").asInt());

        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals(phases.size(), summary.get("epochs").asInt());
        assertEquals(eval.get("accuracy").asDouble(), summary.get("val_accuracy").asDouble(), 0.0);
        assertEquals(run.toString(), summary.get("run").asText());
    }

    @Test
    void featureExtract() throws IOException {
        train("fe", "feature-extract", null, 2, List.of("feature-extract", "feature-extract"));
    }

    @Test
    void headReplace() throws IOException {
        train("hr", "head-replace", "  head:\n    hidden: [16]\n", 2, List.of("head-replace", "head-replace"));
    }

    @Test
    void fineTune() throws IOException {
        train("ft", "fine-tune", "  unfreeze_from: stage2\n", 2, List.of("fine-tune", "fine-tune"));
    }

    @Test
    void progressiveThreePhases() throws IOException {
        String phases = "  phases:\n"
                + "    - {name: head, unfreeze: [], epochs: 2, lr: 3.0e-3}\n"
                + "    - {name: top, unfreeze: [stage2], epochs: 1, lr: 1.0e-3}\n"
                + "    - {name: more, unfreeze: [stage1], epochs: 1, lr: 3.0e-4}\n";
        Path run = train("prog", "progressive", phases, 1, List.of("head", "head", "top", "more"));
        String[] last = Files.readAllLines(run.resolve("metrics.csv")).get(4).split(",");
        assertEquals("2", last[0], "phase_index of the third phase");
    }

    /** The repo's configs/tiny.yaml with command-line overrides: default progressive schedule, one epoch per phase. */
    @Test
    void repoTinyConfigWithOverrides() throws IOException {
        Path runs = tmp.resolve("runs-overrides");
        CliHarness.Result r = tl("train", "-c", "configs/tiny.yaml", "--strategy", "progressive", "--epochs", "1",
                "--batch-size", "8", "--data", data.toString(), "--runs-dir", runs.toString(),
                "--models-dir", tmp.resolve("models").toString(), "--json").expect(0).noStackTrace();
        JsonNode summary = JSON.readTree(r.out()); // with --json, stdout is only the summary
        assertEquals("progressive", summary.get("strategy").asText());
        List<Path> dirs = CliHarness.runDirs(runs);
        assertEquals(1, dirs.size());
        Path run = dirs.get(0);
        assertTrue(run.getFileName().toString().startsWith("tiny-"), "output.name prefixes the run directory: " + run);
        assertEquals(run.toString(), summary.get("run").asText());
        // tiny has stages stem, stage1, stage2: head, then stage2, then stage1
        checkRunDirectory(run, "progressive", List.of("head", "stage2", "stage1"), 42);
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(config.contains("batch_size: 8") && config.contains("dir: " + data), config);
        assertTrue(!config.contains("unfreeze_from"), "fine-tune's unfreeze_from is dropped for progressive:\n" + config);
    }

    /**
     * Without -c, {@code --strategy} starts from that strategy's shipped config (configs/progressive.yaml:
     * its phase rates, stage names carried over to tiny from the top), not the quickstart switched over.
     */
    @Test
    void strategyWithoutConfigUsesTheShippedSchedule() throws IOException {
        Path runs = tmp.resolve("runs-shipped");
        tl("train", "--strategy", "progressive", "--backbone", "tiny", "--epochs", "1", "--batch-size", "8",
                "--data", data.toString(), "--runs-dir", runs.toString(), "--models-dir", tmp.resolve("models").toString(), "--json")
                .expect(0).noStackTrace();
        Path run = CliHarness.runDirs(runs).get(0);
        checkRunDirectory(run, "progressive", List.of("head", "stage2", "stage1"), 42);
        String config = Files.readString(run.resolve("config.yaml"));
        assertTrue(config.contains("lr: 3.0E-5") || config.contains("lr: 3.0e-5") || config.contains("lr: 3.0e-05"),
                "the shipped last phase's rate:\n" + config);
        tl("train", "--strategy", "bogus").expect(ExitCode.USAGE).errContains("--strategy bogus", "progressive");
    }

    @Test
    void twoTrainsNeverShareARunDirectory() throws IOException {
        Path runs = tmp.resolve("runs-twice");
        Path cfg = CliHarness.config(tmp.resolve("twice.yaml"), data, runs, "feature-extract", null, 1);
        Set<Path> seen = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            tl("train", "-c", cfg.toString(), "--models-dir", tmp.resolve("models").toString(),
                    "--runs-dir", runs.toString(), "--data", data.toString(), "--json").expect(0);
        }
        List<Path> dirs = CliHarness.runDirs(runs);
        assertEquals(2, dirs.size(), dirs.toString());
        seen.addAll(dirs);
        assertEquals(2, seen.size());
        for (Path d : dirs) assertTrue(Files.isRegularFile(d.resolve(ModelBundle.FILE_NAME)), d.toString());
    }
}
