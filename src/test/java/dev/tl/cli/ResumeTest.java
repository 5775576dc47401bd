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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped after epoch k and resumed with {@code --resume} ends exactly where an uninterrupted run
 * with the same seed ends. Tolerance: none; the deterministic metrics.csv columns (losses, accuracies,
 * rates; printed to 6 digits) and the whole eval.json (probabilities included) must be identical.
 * Crashes are injected with the hidden {@code --halt-after-epoch}, at a phase boundary and in mid-phase
 * (where Adam's moments and iteration count must carry over); {@code KillTest} kills a real process.
 */
class ResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] DETERMINISTIC = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    static final String PROGRESSIVE = "  head:\n    hidden: [16]\n    dropout: 0.3\n  phases:\n"
            + "    - {name: head, unfreeze: [], epochs: 2, lr: 3.0e-3}\n"
            + "    - {name: top, unfreeze: [stage2], epochs: 2, lr: 1.0e-3}\n"
            + "    - {name: more, unfreeze: [stage1], epochs: 1, lr: 5.0e-4}\n";

    @TempDir
    static Path tmp;
    static Path data;
    static Path models;

    @BeforeAll
    static void setUp() {
        FastPath.enable();
        data = CliHarness.dataset(tmp.resolve("data"));
        models = tmp.resolve("models");
    }

    static Path newest(Path runs) {
        List<Path> dirs = CliHarness.runDirs(runs);
        return dirs.get(dirs.size() - 1);
    }

    static CliHarness.Result train(Path cfg, Path runs, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "-c", cfg.toString(), "--models-dir", models.toString(),
                "--runs-dir", runs.toString(), "--data", data.toString()));
        args.addAll(List.of(extra));
        return tl(args.toArray(String[]::new));
    }

    static CliHarness.Result resume(Path run, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--resume", run.toString(), "--models-dir", models.toString()));
        args.addAll(List.of(extra));
        return tl(args.toArray(String[]::new));
    }

    static List<String> deterministicRows(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().map(l -> {
            String[] f = l.split(",");
            return String.join(",", Arrays.stream(DETERMINISTIC).mapToObj(i -> f[i]).toList());
        }).toList();
    }

    static void assertSameResult(Path expected, Path actual) throws IOException {
        assertEquals(deterministicRows(expected), deterministicRows(actual), "metrics.csv rows");
        JsonNode a = JSON.readTree(expected.resolve("eval.json").toFile());
        JsonNode b = JSON.readTree(actual.resolve("eval.json").toFile());
        assertEquals(a, b, "eval.json (probabilities included)");
    }

    @Test
    void progressiveStoppedAtPhaseBoundaryAndMidPhaseResumesToTheSameModel() throws IOException {
        Path cfg = CliHarness.config(tmp.resolve("prog.yaml"), data, tmp.resolve("unused"), "progressive", PROGRESSIVE, 1);
        train(cfg, tmp.resolve("runs-a")).expect(0);
        Path a = newest(tmp.resolve("runs-a"));
        assertEquals(6, Files.readAllLines(a.resolve("metrics.csv")).size());

        train(cfg, tmp.resolve("runs-b"), "--halt-after-epoch", "2").expect(1).errContains("halted after epoch 2");
        Path b = newest(tmp.resolve("runs-b"));
        assertEquals(3, Files.readAllLines(b.resolve("metrics.csv")).size());
        resume(b, "--halt-after-epoch", "3").expect(1).errContains("resuming after epoch 2", "halted after epoch 3");
        resume(b).expect(0).errContains("resuming after epoch 3");
        assertEquals(1, CliHarness.runDirs(tmp.resolve("runs-b")).size(), "resume writes into the same run directory");
        assertSameResult(a, b);
        assertTrue(Files.isRegularFile(b.resolve("model.tl.zip")));
        JsonNode resumes = JSON.readTree(b.resolve("provenance.json").toFile()).get("resumes");
        assertEquals(2, resumes.size());
        assertEquals(3, resumes.get(1).get("after_epoch").asInt());
        assertEquals(5, JSON.readTree(b.resolve("summary.json").toFile()).get("epochs").asInt());
    }

    @Test
    void fineTuneStoppedMidPhaseResumesToTheSameModel() throws IOException {
        Path cfg = CliHarness.config(tmp.resolve("ft.yaml"), data, tmp.resolve("unused"), "fine-tune",
                "  unfreeze_from: stage1\n  head:\n    hidden: [16]\n    dropout: 0.3\n", 3);
        train(cfg, tmp.resolve("runs-ft-a")).expect(0);
        train(cfg, tmp.resolve("runs-ft-b"), "--halt-after-epoch", "1").expect(1);
        Path b = newest(tmp.resolve("runs-ft-b"));
        resume(b).expect(0);
        assertSameResult(newest(tmp.resolve("runs-ft-a")), b);
        // resuming a finished run trains nothing more and rewrites the same result
        resume(b).expect(0);
        assertSameResult(newest(tmp.resolve("runs-ft-a")), b);
    }

    /**
     * {@code select: best}: the best epoch's weights and validation probabilities come back from best.zip;
     * also a crash after the last epoch's checkpoint (nothing left to train, only the bundle to write).
     */
    @Test
    void selectBestResumedMidPhaseAndAfterTheLastEpoch() throws IOException {
        String phases = "  phases:\n"
                + "    - {name: head, unfreeze: [], epochs: 2, lr: 3.0e-3}\n"
                + "    - {name: top, unfreeze: [stage2], epochs: 2, lr: 1.0e-3}\n";
        Path cfg = CliHarness.config(tmp.resolve("best.yaml"), data, tmp.resolve("unused"), "progressive", phases, 1);
        Files.writeString(cfg, Files.readString(cfg).replace("  seed: 7\n", "  seed: 7\n  select: best\n"));
        train(cfg, tmp.resolve("runs-best-a")).expect(0);
        Path a = newest(tmp.resolve("runs-best-a"));
        for (int haltAfter : new int[]{3, 4}) {
            Path runs = tmp.resolve("runs-best-" + haltAfter);
            train(cfg, runs, "--halt-after-epoch", String.valueOf(haltAfter)).expect(1);
            resume(newest(runs)).expect(0);
            assertSameResult(a, newest(runs));
            assertEquals(JSON.readTree(a.resolve("summary.json").toFile()).get("selected_epoch"),
                    JSON.readTree(newest(runs).resolve("summary.json").toFile()).get("selected_epoch"));
        }
    }

    @Test
    void resumeErrorsAreOneLineWithTheFix() throws IOException {
        Path cfg = CliHarness.config(tmp.resolve("fe.yaml"), data, tmp.resolve("unused"), "feature-extract", null, 2);
        train(cfg, tmp.resolve("runs-err"), "--halt-after-epoch", "1").expect(1);
        Path run = newest(tmp.resolve("runs-err"));

        resume(run, "--epochs", "5").expect(2).noStackTrace().errContains("drop --epochs", "--init-from");
        resume(tmp.resolve("nowhere")).expect(2).noStackTrace().errContains("no such run directory");

        Path changed = CliHarness.dataset(tmp.resolve("changed"));
        Files.delete(changed.resolve("train/red/img0.jpg"));
        resume(run, "--data", changed.toString()).expect(3).noStackTrace().errContains("dataset changed", "--init-from");
        Path moved = CliHarness.dataset(tmp.resolve("moved")); // same bytes, same names, another place
        resume(run, "--data", moved.toString()).expect(0);

        Path copy = tmp.resolve("runs-err-copy");
        Files.createDirectories(copy);
        Files.copy(run.resolve("config.yaml"), copy.resolve("config.yaml"));
        resume(copy).expect(2).noStackTrace().errContains("no checkpoint to resume from", "tl train -c");

        Path last = run.resolve("checkpoints/last.zip");
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, Arrays.copyOf(bytes, bytes.length / 2));
        String line = resume(run).expect(2).noStackTrace().errContains("corrupt", "tl train -c").errorLine();
        assertTrue(line.contains("last.zip"), line);
    }

    @Test
    void initFromStartsANewRunFromAnotherRunsWeights() throws IOException {
        Path cfg = CliHarness.config(tmp.resolve("init.yaml"), data, tmp.resolve("unused"), "head-replace", null, 2);
        train(cfg, tmp.resolve("runs-init-a")).expect(0);
        Path a = newest(tmp.resolve("runs-init-a"));
        train(cfg, tmp.resolve("runs-init-b"), "--init-from", a.toString(), "--epochs", "1", "--lr", "1e-4").expect(0);
        Path b = newest(tmp.resolve("runs-init-b"));
        JsonNode prov = JSON.readTree(b.resolve("provenance.json").toFile());
        assertTrue(prov.get("init_from").asText().endsWith(a.getFileName().toString()));
        // started from a's trained head, so its first epoch is already as good as a's last (low lr)
        double aAcc = JSON.readTree(a.resolve("eval.json").toFile()).get("accuracy").asDouble();
        double bAcc = JSON.readTree(b.resolve("eval.json").toFile()).get("accuracy").asDouble();
        assertTrue(bAcc >= aAcc - 0.15, aAcc + " vs " + bAcc);

        Path other = CliHarness.dataset(tmp.resolve("other"));
        Files.move(other.resolve("train/red"), other.resolve("train/yellow"));
        Files.move(other.resolve("val/red"), other.resolve("val/yellow"));
        tl("train", "-c", cfg.toString(), "--models-dir", models.toString(), "--runs-dir", tmp.resolve("runs-init-c").toString(),
                "--data", other.toString(), "--init-from", a.toString()).expect(2).noStackTrace().errContains("classes", "same class folders");
        assertEquals(List.of(), CliHarness.runDirs(tmp.resolve("runs-init-c")), "no run directory for a refused --init-from");
    }
}
