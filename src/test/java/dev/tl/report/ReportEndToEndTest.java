package dev.tl.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.cli.Tl;
import dev.tl.model.FastPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tl train} on the tiny backbone (two-phase progressive, so the curves have a phase marker) writes the
 * report into the run directory; {@code tl eval --report} writes it elsewhere, with learning curves only
 * when given the run directory.
 */
class ReportEndToEndTest {
    static final List<String> CLASSES = List.of("blue", "green", "red");
    static final int VAL_PER_CLASS = 4;

    @TempDir
    static Path tmp;
    static Path data;
    static Path run;

    record Out(int code, String out, String err) {}

    static Out tl(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Tl.commandLine(o, e).execute(args);
        }
        Out r = new Out(code, out.toString(), err.toString());
        assertEquals(0, code, () -> "stdout:\n" + r.out + "\nstderr:\n" + r.err);
        return r;
    }

    @BeforeAll
    static void train() throws IOException {
        FastPath.enable();
        data = tmp.resolve("data");
        Random rnd = new Random(7);
        for (int c = 0; c < CLASSES.size(); c++) {
            for (int i = 0; i < 8; i++) image(data.resolve("train").resolve(CLASSES.get(c)).resolve("t" + i + ".png"), c, rnd);
            for (int i = 0; i < VAL_PER_CLASS; i++) image(data.resolve("val").resolve(CLASSES.get(c)).resolve("v" + i + ".png"), c, rnd);
        }
        Path runs = tmp.resolve("runs");
        Path cfg = tmp.resolve("tiny.yaml");
        Files.writeString(cfg, "backbone:\n  name: tiny\n"
                + "data:\n  dir: " + data + "\n  workers: 1\n  augment:\n    views: 1\n"
                + "strategy:\n  name: progressive\n  phases:\n"
                + "    - {name: head, unfreeze: [], epochs: 2, lr: 3.0e-3}\n"
                + "    - {name: top, unfreeze: [stage2], epochs: 1, lr: 1.0e-3}\n"
                + "training:\n  epochs: 1\n  batch_size: 8\n  lr: 3.0e-3\n  seed: 7\n"
                + "output:\n  dir: " + runs + "\n");
        Out r = tl("train", "-c", cfg.toString(), "--models-dir", tmp.resolve("models").toString());
        assertTrue(r.err.contains("report: "), r.err);
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void trainWritesTheReportIntoTheRunDirectory() throws IOException {
        for (String f : List.of(RunReport.LEARNING_CURVES, RunReport.CONFUSION, RunReport.RELIABILITY, RunReport.HTML)) {
            assertTrue(Files.isRegularFile(run.resolve(f)), "missing " + f + " in " + run);
        }
        BufferedImage curves = ImageIO.read(run.resolve(RunReport.LEARNING_CURVES).toFile());
        assertEquals(Charts.WIDTH, curves.getWidth());
        assertEquals(Charts.HEIGHT, curves.getHeight());
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        long total = 0;
        for (JsonNode row : eval.get("confusion_matrix")) for (JsonNode v : row) total += v.asLong();
        assertEquals(CLASSES.size() * VAL_PER_CLASS, total, "confusion counts = validation set size");
        assertEquals(1, MetricsCsv.phaseChanges(MetricsCsv.read(run.resolve("metrics.csv"))).size(), "head -> top");
        String html = Files.readString(run.resolve(RunReport.HTML));
        assertTrue(html.contains("<th>backbone</th><td>tiny</td>"), "config summary");
        assertTrue(html.contains("12 images: one image moves accuracy by 8.33 points"), "small-sample warning");
        assertFalse(html.contains("http://") || html.contains("https://"));
    }

    @Test
    void evalReportWithRunDirAndWithBareBundle() throws IOException {
        Path withRun = tmp.resolve("eval-run");
        Out r = tl("eval", "--model", run.toString(), "--data", data.toString(), "--report", withRun.toString());
        assertTrue(r.err.contains("report: " + withRun.resolve(RunReport.HTML)), r.err);
        assertTrue(Files.isRegularFile(withRun.resolve(RunReport.LEARNING_CURVES)));
        assertTrue(Files.isRegularFile(withRun.resolve(RunReport.HTML)));

        Path bare = tmp.resolve("eval-bundle");
        tl("eval", "--model", run.resolve("model.tl.zip").toString(), "--data", data.toString(), "--report", bare.toString());
        assertFalse(Files.exists(bare.resolve(RunReport.LEARNING_CURVES)));
        for (String f : List.of(RunReport.CONFUSION, RunReport.RELIABILITY, RunReport.HTML)) {
            assertTrue(Files.isRegularFile(bare.resolve(f)), f);
        }
        assertTrue(Files.readString(bare.resolve(RunReport.HTML)).contains("<th>strategy</th><td>progressive</td>"));
    }

    private static void image(Path file, int c, Random rnd) throws IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int[] ch = new int[3];
                for (int k = 0; k < 3; k++) ch[k] = clamp(60 + (int) (rnd.nextGaussian() * 50));
                ch[2 - c] = clamp(150 + (int) (rnd.nextGaussian() * 50));
                img.setRGB(x, y, ch[0] << 16 | ch[1] << 8 | ch[2]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
