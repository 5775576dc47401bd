package dev.tl.explain;

import dev.tl.cli.Tl;
import dev.tl.model.FastPath;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A tiny-backbone model trained by {@code tl train} on images where only one place matters: grey noise with
 * one 10x10 tinted patch (red, green or blue: the class) in a random quadrant. An explanation of a correct
 * prediction should therefore point at that quadrant. Trained once per JVM (a few seconds).
 */
public final class QuadrantModel {
    public static final List<String> CLASSES = List.of("blue", "green", "red");
    /** Images are 36x36: the tiny backbone resizes the shorter side to 36 and crops the central 32x32. */
    public static final int SIZE = 36;
    public static final int CROP = 2;
    /**
     * Added to the noise inside the patch: a tint, not a saturated colour. With a saturated patch the model is
     * so sure that its logit no longer changes with the patch's pixels (measured: plain saliency had 19% of
     * its mass in the patch's quadrant, less than uniform, while Grad-CAM had 63%): the known saturation blind
     * spot of gradient saliency. A tint keeps the model in the regime where gradients are informative.
     */
    private static final int[][] TINTS = {{-40, -40, 70}, {-40, 70, -40}, {70, -40, -40}};

    /** A validation image with its class and the quadrant (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right) of its patch. */
    public record Image(Path file, int cls, int quadrant) {}

    private static QuadrantModel instance;

    public final Path dir;
    public final Path run;
    public final List<Image> val;

    private QuadrantModel(Path dir, Path run, List<Image> val) {
        this.dir = dir;
        this.run = run;
        this.val = val;
    }

    public static synchronized QuadrantModel get() {
        if (instance == null) instance = train();
        return instance;
    }

    private static QuadrantModel train() {
        FastPath.enable();
        try {
            Path dir = Files.createTempDirectory("tl-quadrant-");
            dir.toFile().deleteOnExit();
            Random r = new Random(99);
            List<Image> val = new ArrayList<>();
            for (int c = 0; c < CLASSES.size(); c++) {
                for (int i = 0; i < 40; i++) write(dir.resolve("data/train/" + CLASSES.get(c) + "/" + i + ".png"), c, i % 4, r);
                for (int i = 0; i < 8; i++) {
                    Path f = dir.resolve("data/val/" + CLASSES.get(c) + "/" + i + ".png");
                    write(f, c, i % 4, r);
                    val.add(new Image(f, c, i % 4));
                }
            }
            Path cfg = dir.resolve("quadrant.yaml");
            Files.writeString(cfg, "backbone:\n  name: tiny\n"
                    + "data:\n  dir: " + dir.resolve("data") + "\n  workers: 2\n  augment:\n    views: 1\n"
                    + "strategy:\n  name: fine-tune\n  unfreeze_from: all\n"
                    + "training:\n  epochs: 12\n  batch_size: 16\n  lr: 1.0e-2\n  seed: 3\n"
                    + "output:\n  dir: " + dir.resolve("runs") + "\n");
            StringWriter out = new StringWriter(), err = new StringWriter();
            int code = Tl.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(
                    "train", "-c", cfg.toString(), "--models-dir", dir.resolve("models").toString());
            if (code != 0) throw new IllegalStateException("tl train failed (" + code + "):\n" + out + err);
            Path run;
            try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
                run = s.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            return new QuadrantModel(dir, run, val);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Grey noise with a 10x10 patch tinted {@code cls} in {@code quadrant} of the central crop. */
    static void write(Path f, int cls, int quadrant, Random r) throws IOException {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int g = clamp(120 + (int) (r.nextGaussian() * 35));
                img.setRGB(x, y, clamp(g + (int) (r.nextGaussian() * 8)) << 16 | clamp(g + (int) (r.nextGaussian() * 8)) << 8 | clamp(g + (int) (r.nextGaussian() * 8)));
            }
        }
        int half = (SIZE - 2 * CROP) / 2; // 16
        int x0 = CROP + (quadrant % 2) * half + 1 + r.nextInt(half - 10 - 1);
        int y0 = CROP + (quadrant / 2) * half + 1 + r.nextInt(half - 10 - 1);
        int[] tint = TINTS[cls];
        for (int y = y0; y < y0 + 10; y++) {
            for (int x = x0; x < x0 + 10; x++) {
                int v = img.getRGB(x, y);
                img.setRGB(x, y, clamp((v >>> 16 & 0xFF) + tint[0]) << 16 | clamp((v >>> 8 & 0xFF) + tint[1]) << 8 | clamp((v & 0xFF) + tint[2]));
            }
        }
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** Fractions of a {@code 32 x 32} map's total in each quadrant of the network input. */
    public static double[] quadrantMass(double[] m, int h, int w) {
        double[] q = new double[4];
        double total = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = m[y * w + x];
                q[(y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1)] += v;
                total += v;
            }
        }
        for (int i = 0; i < 4; i++) q[i] = total > 0 ? q[i] / total : 0.25;
        return q;
    }
}
