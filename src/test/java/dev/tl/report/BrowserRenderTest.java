package dev.tl.report;

import dev.tl.metrics.Evaluation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opens report.html in headless Chromium, offline, and checks that something was drawn.
 *
 * <p>Why: string checks cannot tell whether a browser actually shows the embedded pictures; a screenshot
 * that is not one flat colour can. Slow (a browser start) and needs {@code /usr/bin/chromium}, so it is
 * tagged {@code slow} and skips, saying why, where Chromium is absent.
 */
@Tag("slow")
class BrowserRenderTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void reportRendersOffline(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM + " not found (apt-get install chromium)");
        Evaluation ev = Fixtures.evaluation(List.of("<b>&", "bees", "wasps"), 90, 11);
        Path data = tmp.resolve("data");
        Fixtures.images(data, ev);
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.csv"), Fixtures.METRICS_CSV);
        Files.writeString(run.resolve("config.yaml"), "backbone:\n  name: resnet50\nstrategy:\n  name: progressive\n");
        Path html = RunReport.write(run, new RunReport.Request(Fixtures.json(ev), data, run, Map.of())).html();

        Path shot = tmp.resolve("screenshot.png");
        BufferedImage img = screenshot(html, shot, tmp.resolve("profile"));
        assertEquals(1200, img.getWidth());
        assertTrue(variance(img) > 100, "screenshot is (nearly) blank: variance " + variance(img));
    }

    /** Renders {@code html} into {@code shot} with a throwaway profile and no network features. */
    static BufferedImage screenshot(Path html, Path shot, Path profile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--screenshot=" + shot, "--window-size=1200,2000",
                html.toAbsolutePath().toUri().toString())
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertTrue(Files.isRegularFile(shot), () -> "no screenshot; chromium exit " + p.exitValue() + ", log:\n"
                + readQuietly(profile.resolveSibling("chromium.log")));
        BufferedImage img = ImageIO.read(shot.toFile());
        assertNotNull(img, "screenshot is not an image");
        return img;
    }

    /** Mean per-channel variance of the grey levels; a blank page is 0. */
    static double variance(BufferedImage img) {
        double sum = 0, sq = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y);
                double g = ((rgb >> 16 & 255) + (rgb >> 8 & 255) + (rgb & 255)) / 3.0;
                sum += g;
                sq += g * g;
                n++;
            }
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
