package dev.tl.cli;

import dev.tl.model.FastPath;
import dev.tl.run.ModelBundle;
import dev.tl.train.Checkpoint;
import dev.tl.train.Listeners;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real SIGKILLs ({@link Process#destroyForcibly}, which is kill -9 on Linux) of subprocesses, at random
 * moments (seeded, so a failure can be replayed): what is left behind must load, and a killed training run
 * must resume to the uninterrupted result.
 */
class KillTest {
    private static final int KILLS = 12;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() {
        FastPath.enable();
    }

    private static Process java(String mainClass, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dorg.eclipse.deeplearning4j.helpers.disable=false", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void waitFor(java.util.function.BooleanSupplier ready, Process p, Path log, long timeoutMs) throws Exception {
        long end = System.currentTimeMillis() + timeoutMs;
        while (!ready.getAsBoolean()) {
            if (!p.isAlive()) throw new AssertionError("subprocess exited " + p.exitValue() + ":\n" + Files.readString(log));
            if (System.currentTimeMillis() > end) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("subprocess not ready in time:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "killed process did not exit");
    }

    /** Reads every entry to its end, so the zip's structure and each entry's CRC are checked. */
    private static int checkZip(Path zip) throws IOException {
        int n = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; n++) in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return n;
    }

    @Test
    @org.junit.jupiter.api.Tag("slow") // 12 JVM starts: about a minute; runs in CI (-Pall)
    void filesLeftByKilledWritersAlwaysLoad() throws Exception {
        Random rnd = new Random(20261204);
        Path dir = tmp.resolve("atomic");
        int tempFilesLeft = 0;
        int writesCut = 0;
        for (int k = 0; k < KILLS; k++) {
            Path log = tmp.resolve("writer-" + k + ".log");
            Process p = java(AtomicWriteLoop.class.getName(), log, dir.toString());
            waitFor(() -> {
                try {
                    return Files.readString(log).contains("ready");
                } catch (IOException e) {
                    return false;
                }
            }, p, log, 60_000);
            Thread.sleep(rnd.nextInt(400));
            kill(p);

            Path bundle = dir.resolve(ModelBundle.FILE_NAME);
            assertEquals(List.of("a", "b"), ModelBundle.readInfo(bundle).classes());
            assertEquals(3, checkZip(bundle));
            if (k % 4 == 0) assertEquals(4_006_002, ModelBundle.load(dir).graph().numParams());
            Checkpoint c = Checkpoint.readLast(dir.resolve("checkpoints"));
            assertTrue(c.epoch() >= 1 && c.updater() != null && c.params().size() == 2, c.toString());
            assertTrue(c.best().epoch() <= c.epoch());
            List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
            assertTrue(csv.size() >= 2 && csv.get(csv.size() - 1).split(",").length == Listeners.Csv.HEADER.split(",").length, "metrics.csv ends with a whole row");

            int before = tempFilesLeft;
            tempFilesLeft = 0;
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    boolean result = List.of("model.tl.zip", "last.zip", "best.zip", "metrics.csv").contains(name);
                    if (!result) {
                        // a write cut short leaves only hidden ".<target>.<random>.tmp" files, never a result name
                        assertTrue(name.startsWith(".") && name.endsWith(".tmp"), "unexpected file " + f);
                        tempFilesLeft++;
                    }
                }
            }
            if (tempFilesLeft > before) writesCut++;
        }
        // a temp file left in the run directory is never picked up as the model
        assertEquals(dir.resolve(ModelBundle.FILE_NAME), ModelBundle.resolve(dir));
        System.out.println("KillTest: " + KILLS + " kills, " + writesCut + " of them cut a write short (" + tempFilesLeft
                + " temp files left), every result file loaded");
    }

    @Test
    @org.junit.jupiter.api.Tag("slow") // trains in two subprocesses
    void killedTrainingResumesToTheUninterruptedResult() throws Exception {
        Path data = CliHarness.dataset(tmp.resolve("data"));
        Path models = tmp.resolve("models");
        Path cfg = CliHarness.config(tmp.resolve("ft.yaml"), data, tmp.resolve("unused"), "fine-tune",
                "  unfreeze_from: stage1\n  head:\n    hidden: [16]\n    dropout: 0.3\n", 8);
        CliHarness.tl("train", "-c", cfg.toString(), "--models-dir", models.toString(), "--runs-dir", tmp.resolve("runs-a").toString()).expect(0);
        Path a = ResumeTest.newest(tmp.resolve("runs-a"));

        Path runs = tmp.resolve("runs-b");
        Path log = tmp.resolve("train.log");
        Process p = java(Main.class.getName(), log, "train", "-c", cfg.toString(), "--models-dir", models.toString(), "--runs-dir", runs.toString());
        waitFor(() -> !CliHarness.runDirs(runs).isEmpty() && Files.exists(CliHarness.runDirs(runs).get(0).resolve("checkpoints/last.zip")), p, log, 120_000);
        Thread.sleep(new Random(7).nextInt(300));
        kill(p);
        Path b = CliHarness.runDirs(runs).get(0);
        assertFalse(Files.exists(b.resolve("eval.json")), "the run finished before the kill; nothing was tested:\n" + Files.readString(log));
        int killedAfter = Checkpoint.readLast(b.resolve("checkpoints")).epoch();
        CliHarness.tl("train", "--resume", b.toString(), "--models-dir", models.toString()).expect(0);
        ResumeTest.assertSameResult(a, b);
        try (Stream<Path> s = Files.walk(b)) {
            assertEquals(List.of(), s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "temp files left after resume");
        }
        System.out.println("KillTest: training killed after epoch " + killedAfter + " of 8, resumed to the same result");
    }
}
