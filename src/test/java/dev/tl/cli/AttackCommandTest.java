package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.data.ImageDecoder;
import dev.tl.model.FastPath;
import dev.tl.report.RunReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tl attack} and {@code tl eval --robustness} on a tiny model trained once for the class. */
class AttackCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path data;
    static Path run;

    @BeforeAll
    static void trainOnce() {
        FastPath.enable();
        run = CliHarness.trainedRun(tmp, "  unfreeze_from: all\n", 6, "--lr", "0.02");
        data = tmp.resolve("data");
    }

    @Test
    void robustnessAtZeroIsCleanAccuracyAndFallsWithEpsilon() throws Exception {
        Path report = tmp.resolve("report");
        CliHarness.Result r = tl("eval", "-m", run.toString(), "-d", data.toString(), "--json",
                "--robustness", "0,2/255,0.6", "--report", report.toString()).expect(0).noStackTrace();
        JsonNode doc = JSON.readTree(r.out());
        JsonNode rob = doc.get("robustness");
        assertEquals("fgsm", rob.get("attack").asText());
        double clean = doc.get("accuracy").asDouble();
        assertEquals(clean, rob.get("clean_accuracy").asDouble(), 0.0);
        JsonNode pts = rob.get("points");
        assertEquals(3, pts.size());
        assertEquals(0.0, pts.get(0).get("epsilon").asDouble(), 0.0);
        assertEquals(clean, pts.get(0).get("accuracy").asDouble(), 0.0, "FGSM at epsilon 0 is the clean evaluation");
        assertEquals(2.0, pts.get(1).get("epsilon_levels").asDouble(), 1e-9);
        assertTrue(clean > 0.5, "the tiny model learned something: " + clean);
        assertTrue(pts.get(2).get("accuracy").asDouble() < clean, "a large epsilon hurts: " + pts);
        String html = Files.readString(report.resolve(RunReport.HTML));
        assertTrue(html.contains("Robustness (FGSM)") && html.contains("Accuracy under attack"), "report has the robustness table and chart");
        assertTrue(Files.size(report.resolve(RunReport.ROBUSTNESS)) > 0);
        // the text summary shows it too
        tl("eval", "-m", run.toString(), "-d", data.toString(), "--robustness", "1/255").expect(0).outContains("robustness (FGSM", "clean accuracy");
    }

    /** A val image of class blue that the model classifies correctly (the attack refuses others). */
    static Path correctBlue() throws Exception {
        CliHarness.Result r = tl("predict", "-m", run.toString(), data.resolve("val/blue").toString(), "-k", "1", "--json").expect(0);
        for (String line : r.out().lines().toList()) {
            JsonNode j = JSON.readTree(line);
            if (j.get("top").get(0).get("label").asText().equals("blue")) return Path.of(j.get("image").asText());
        }
        throw new AssertionError("the tiny model gets no blue val image right:\n" + r.out());
    }

    @Test
    void attackTurnsAValImageIntoTheTargetWithinTheBudgetOnTheReloadedPng() throws Exception {
        Path img = correctBlue();
        Path out = tmp.resolve("attack");
        CliHarness.Result r = tl("attack", "-m", run.toString(), img.toString(), "--target", "red", "--label", "blue",
                "--max-eps", "128/255", "--confidence", "0.6", "--steps", "8", "-o", out.toString(), "--json").expect(0).noStackTrace();
        JsonNode j = JSON.readTree(r.out());
        assertTrue(j.get("success").asBoolean());
        assertEquals("red", j.get("predicted_after").get("label").asText());
        assertTrue(j.get("target").get("probability_after").asDouble() >= 0.6);
        int eps = j.get("eps").get("levels").asInt();
        assertTrue(eps <= 128 && j.get("linf").get("levels").asDouble() <= eps);
        // the files: original and adversarial differ by at most the budget, only inside the input crop
        BufferedImage a = ImageDecoder.read(out.resolve("original.png"));
        BufferedImage b = ImageDecoder.read(out.resolve("adversarial.png"));
        assertEquals(a.getWidth(), b.getWidth());
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) max = Math.max(max, Math.abs((p >> s & 255) - (q >> s & 255)));
            }
        }
        assertEquals(j.get("linf").get("levels").asDouble(), max, 0.0);
        assertTrue(Files.size(out.resolve("attack.png")) > 0);
        // an independent check: tl predict on the saved PNG
        tl("predict", "-m", run.toString(), out.resolve("adversarial.png").toString(), "-k", "1").expect(0).outContains(" red ");
    }

    @Test
    void errorsAreOneLineNamingTheValue() throws Exception {
        String img = correctBlue().toString();
        String m = run.toString();
        tl("attack", "-m", m, img, "--target", "purple").expect(ExitCode.USAGE).noStackTrace().errContains("--target", "'purple'", "blue, green, red");
        tl("attack", "-m", m, img, "--target", "red", "--max-eps", "0.001").expect(ExitCode.USAGE).noStackTrace().errContains("--max-eps", "'0.001'", "1/255");
        tl("attack", "-m", m, img, "--target", "red", "--max-eps", "3").expect(ExitCode.USAGE).noStackTrace().errContains("--max-eps", "'3'");
        tl("attack", "-m", m, tmp.resolve("nope.jpg").toString(), "--target", "red").expect(ExitCode.DATA).noStackTrace().errContains("nope.jpg");
        tl("attack", "-m", m, img, "--target", "blue", "--label", "blue").expect(ExitCode.USAGE).noStackTrace().errContains("already predicts blue");
        tl("attack", "-m", m, img, "--target", "red", "--label", "green").expect(ExitCode.USAGE).noStackTrace().errContains("not classified correctly", "green");
        tl("eval", "-m", m, "-d", data.toString(), "--robustness", "1/255,x").expect(ExitCode.USAGE).noStackTrace().errContains("--robustness", "'x'");
        tl("eval", "-m", m, "-d", data.toString(), "--robustness", "8/0").expect(ExitCode.USAGE).noStackTrace().errContains("'8/0'");
        assertFalse(tl("attack", "--help").out().isEmpty());
    }
}
