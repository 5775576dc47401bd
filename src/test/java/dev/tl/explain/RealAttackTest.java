package dev.tl.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.backbone.Backbones;
import dev.tl.backbone.ModelCache;
import dev.tl.backbone.TestEnv;
import dev.tl.cli.Tl;
import dev.tl.data.ImageDecoder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tl attack} on the real ResNet50: the dog becomes a confident tabby with an invisible change. */
@Tag("slow")
class RealAttackTest {
    static {
        TestEnv.init();
    }

    @TempDir
    Path tmp;

    @Test
    void dogBecomesATabbyWithinTwoLevelsOnTheReloadedPng() throws Exception {
        Path dog = TestEnv.sharedFile("images/dog.jpg");
        ModelCache cache = new ModelCache(TestEnv.modelsRoot(), TestEnv.log());
        if (!cache.isCached(Backbones.get("resnet50"))) cache.pull(Backbones.get("resnet50"), null);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long t0 = System.nanoTime();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Tl.commandLine(o, e).execute("attack", "--models-dir", TestEnv.modelsRoot().toString(), "-m", "resnet50",
                    dog.toString(), "--target", "tabby", "--max-eps", "2/255", "--confidence", "0.9", "-o", tmp.toString(), "--json");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println(err);
        System.out.println(out);
        System.out.printf("tl attack on ResNet50 took %.1f s%n", seconds);
        assertEquals(0, code, err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals("malamute", j.get("original").get("label").asText());
        assertEquals("tabby", j.get("predicted_after").get("label").asText());
        assertTrue(j.get("target").get("probability_after").asDouble() >= 0.9);
        assertTrue(j.get("target").get("probability_before").asDouble() < 0.001);
        assertTrue(j.get("linf").get("levels").asDouble() <= 2);
        // the two PNGs on disk differ by at most 2 levels
        BufferedImage a = ImageDecoder.read(tmp.resolve("original.png"));
        BufferedImage b = ImageDecoder.read(tmp.resolve("adversarial.png"));
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) max = Math.max(max, Math.abs((p >> s & 255) - (q >> s & 255)));
            }
        }
        assertTrue(max <= 2 && max >= 1, "L-inf between the PNGs: " + max);
        assertTrue(seconds < 180, "took " + seconds + " s");
    }
}
