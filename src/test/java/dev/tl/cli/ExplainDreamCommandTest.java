package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.explain.QuadrantModel;
import dev.tl.model.FastPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tl explain} and {@code tl dream} on a tiny model trained by {@code tl train}. */
class ExplainDreamCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static QuadrantModel q;
    static String run;

    @BeforeAll
    static void train() {
        FastPath.enable();
        q = QuadrantModel.get();
        run = q.run.toString();
    }

    @Test
    void explainWritesOnePngPerImageAndNeverOverwrites() throws IOException {
        Path out = tmp.resolve("ex");
        Path a = q.val.get(0).file(), b = q.val.get(9).file();
        CliHarness.Result r = tl("explain", "--model", run, "-k", "2", "--out", out.toString(), "--json", a.toString(), b.toString())
                .expect(0).noStackTrace();
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        for (int i = 0; i < 2; i++) {
            JsonNode o = JSON.readTree(lines[i]);
            assertEquals(i == 0 ? a.toString() : b.toString(), o.get("image").asText());
            assertEquals(2, o.get("top").size());
            assertEquals(o.get("class").asText(), o.get("top").get(0).get("label").asText(), "explains the top-1 class by default");
            assertEquals("s2_relu", o.get("layer").asText());
            BufferedImage png = ImageIO.read(Path.of(o.get("png").asText()).toFile());
            // three 224 px panels with 10 px gaps; title, panels, then class + top-2 + model lines
            assertEquals(10 + 3 * (224 + 10), png.getWidth());
            assertEquals(10 + 20 + 224 + 10 + 4 * 17 + 10, png.getHeight());
        }
        JsonNode first = JSON.readTree(lines[0]);
        // same image again, another class: a new file next to the first
        JsonNode again = JSON.readTree(tl("explain", "--model", run, "--class", "green", "--out", out.toString(), "--json", a.toString())
                .expect(0).out().strip());
        assertEquals("green", again.get("class").asText());
        assertNotEquals(first.get("png").asText(), again.get("png").asText());
        assertTrue(again.get("png").asText().endsWith(".explain-1.png"), again.toString());
        assertTrue(Files.size(Path.of(first.get("png").asText())) > 1000);
        // plain text: one line per image naming the picture
        tl("explain", "--model", run, "--out", out.toString(), "--smoothgrad", "3", a.toString()).expect(0).outContains(a.toString(), ".explain-2.png");
    }

    @Test
    void dreamWritesTheImageAndTheStripAndRaisesTheProbability() throws IOException {
        Path out = tmp.resolve("dream");
        CliHarness.Result r = tl("dream", "--model", run, "--class", "red", "--steps", "20", "--lr", "4", "--out", out.toString(), "--json")
                .expect(0).noStackTrace();
        JsonNode o = JSON.readTree(r.out().strip());
        assertEquals("red", o.get("class").asText());
        assertTrue(o.get("probability").asDouble() > o.get("start_probability").asDouble(), o.toString());
        BufferedImage img = ImageIO.read(Path.of(o.get("png").asText()).toFile());
        assertEquals(32, img.getWidth());
        assertEquals(32, img.getHeight());
        BufferedImage strip = ImageIO.read(Path.of(o.get("steps_png").asText()).toFile());
        assertEquals(10 + 8 * (128 + 10), strip.getWidth());
        r.errContains("step 20/20");
        assertEquals(out.resolve("red.png").toString(), o.get("png").asText());
        assertEquals(out.resolve("red-steps.png").toString(), o.get("steps_png").asText());
    }

    @Test
    void errorsAreOneLineNamingTheValue() throws IOException {
        Path img = q.val.get(0).file();
        String l = fails(ExitCode.USAGE, "explain", "--model", run, "--class", "purple", img.toString()).errorLine();
        assertTrue(l.contains("purple") && l.contains("3 classes"), l);
        l = fails(ExitCode.USAGE, "dream", "--model", run, "--class", "purple").errorLine();
        assertTrue(l.contains("purple"), l);
        Path missing = tmp.resolve("nope.jpg");
        assertTrue(fails(ExitCode.DATA, "explain", "--model", run, missing.toString()).errorLine().contains(missing.toString()));
        Path dir = Files.createDirectories(tmp.resolve("a-folder"));
        l = fails(ExitCode.DATA, "explain", "--model", run, dir.toString()).errorLine();
        assertTrue(l.contains(dir.toString()) && l.contains("directory"), l);
        Path txt = CliHarness.writeString(tmp.resolve("notes.jpg"), "not an image");
        assertTrue(fails(ExitCode.DATA, "explain", "--model", run, txt.toString()).errorLine().contains(txt.toString()));
        Path file = CliHarness.writeString(tmp.resolve("out-file"), "x");
        l = fails(ExitCode.USAGE, "explain", "--model", run, "--out", file.toString(), img.toString()).errorLine();
        assertTrue(l.contains("--out") && l.contains(file.toString()), l);
        l = fails(ExitCode.USAGE, "explain", "--model", tmp.resolve("no-run").toString(), img.toString()).errorLine();
        assertTrue(l.contains("no-run"), l);
        // zoo backbones without an ImageNet top: told to train first, without downloading anything
        l = fails(ExitCode.USAGE, "dream", "--model", "vgg16", "--class", "0", "--models-dir", tmp.resolve("empty-models").toString()).errorLine();
        assertTrue(l.contains("vgg16") && l.contains("tl train --backbone vgg16"), l);
        assertTrue(!Files.exists(tmp.resolve("empty-models/vgg16")), "nothing downloaded");
        l = fails(ExitCode.USAGE, "dream", "--model", run, "--class", "red", "--steps", "0").errorLine();
        assertTrue(l.contains("steps") && l.contains("0"), l);
        fails(ExitCode.USAGE, "dream", "--model", run);
    }

    private static CliHarness.Result fails(int code, String... args) {
        return tl(args).expect(code).noStackTrace();
    }
}
