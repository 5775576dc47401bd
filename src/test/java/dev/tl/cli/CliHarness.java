package dev.tl.cli;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real CLI ({@link Tl#commandLine}) in-process and builds small synthetic datasets for it. */
final class CliHarness {
    static final List<String> CLASSES = List.of("blue", "green", "red");
    static final int TRAIN_PER_CLASS = 12;
    static final int VAL_PER_CLASS = 5;
    /** A GIF89a header: enough for content sniffing to call it a GIF. */
    static final byte[] GIF = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ';'};

    private CliHarness() {}

    /** Exit code and everything printed. */
    record Result(int code, String out, String err) {
        Result expect(int expected) {
            assertEquals(expected, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }

        /** A one-line user-facing message on stderr and no stack trace. */
        Result noStackTrace() {
            assertFalse(err.contains("\tat "), () -> "stack trace on stderr without --stacktrace:\n" + err);
            return this;
        }

        Result errContains(String... parts) {
            for (String p : parts) assertTrue(err.contains(p), () -> "stderr lacks '" + p + "':\n" + err);
            return this;
        }

        Result outContains(String... parts) {
            for (String p : parts) assertTrue(out.contains(p), () -> "stdout lacks '" + p + "':\n" + out);
            return this;
        }

        /** The "tl: ..." line printed for an error. */
        String errorLine() {
            return err.lines().filter(l -> l.startsWith("tl: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no 'tl: ' error line on stderr:\n" + err));
        }
    }

    static Result tl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Tl.commandLine(o, e).execute(args);
        }
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * {@code root/train/<class>/} and {@code root/val/<class>/}: coloured noise, one dominant channel per
     * class, 40x48 px, PNG and JPEG mixed; plus a garbage file in train/blue and a GIF in val/green, both
     * to be skipped.
     */
    static Path dataset(Path root) {
        Random rnd = new Random(2024);
        for (int c = 0; c < CLASSES.size(); c++) {
            for (int i = 0; i < TRAIN_PER_CLASS; i++) {
                image(root.resolve("train").resolve(CLASSES.get(c)), "img" + i, c, rnd, i % 3 == 0 ? "jpg" : "png");
            }
            for (int i = 0; i < VAL_PER_CLASS; i++) {
                image(root.resolve("val").resolve(CLASSES.get(c)), "img" + i, c, rnd, i % 2 == 0 ? "jpg" : "png");
            }
        }
        write(root.resolve("train/blue/notes.jpg"), "this is not an image\n".getBytes());
        write(root.resolve("val/green/anim.gif"), GIF);
        return root;
    }

    /** Class c = 0 blue, 1 green, 2 red dominant channel, with per-pixel noise. */
    private static void image(Path dir, String name, int c, Random rnd, String format) {
        int w = 40, h = 48;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] ch = new int[3]; // r, g, b
                for (int k = 0; k < 3; k++) ch[k] = clamp(60 + (int) (rnd.nextGaussian() * 40));
                int dominant = 2 - c; // blue -> b, green -> g, red -> r
                ch[dominant] = clamp(170 + (int) (rnd.nextGaussian() * 40));
                img.setRGB(x, y, ch[0] << 16 | ch[1] << 8 | ch[2]);
            }
        }
        try {
            Files.createDirectories(dir);
            if (!ImageIO.write(img, format, dir.resolve(name + "." + format).toFile())) throw new IllegalStateException(format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path writeString(Path file, String text) {
        return write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A tiny-backbone config for {@code strategy} (the extra YAML goes under {@code strategy:}). */
    static Path config(Path file, Path data, Path runs, String strategy, String strategyExtra, int epochs) {
        String yaml = "backbone:\n  name: tiny\n"
                + "data:\n  dir: " + data + "\n  workers: 2\n  augment:\n    views: 2\n"
                + "strategy:\n  name: " + strategy + "\n" + (strategyExtra == null ? "" : strategyExtra)
                + "training:\n  epochs: " + epochs + "\n  batch_size: 8\n  lr: 3.0e-3\n  seed: 7\n"
                + "output:\n  dir: " + runs + "\n";
        return writeString(file, yaml);
    }

    /** Run directories directly under {@code runs}, sorted. */
    /**
     * Trains a tiny fine-tune model on {@link #dataset} under {@code tmp} (data/, runs/, models/) and returns
     * its run directory; {@code extraArgs} go to {@code tl train} (e.g. "--lr", "0.02").
     */
    static Path trainedRun(Path tmp, String strategyExtra, int epochs, String... extraArgs) {
        Path data = dataset(tmp.resolve("data"));
        Path runs = tmp.resolve("runs");
        Path cfg = config(tmp.resolve("ft.yaml"), data, runs, "fine-tune", strategyExtra, epochs);
        List<String> args = new java.util.ArrayList<>(List.of("train", "-c", cfg.toString(), "--models-dir", tmp.resolve("models").toString(),
                "--runs-dir", runs.toString(), "--data", data.toString()));
        args.addAll(List.of(extraArgs));
        tl(args.toArray(String[]::new)).expect(0);
        return runDirs(runs).get(0);
    }

    static List<Path> runDirs(Path runs) {
        if (!Files.isDirectory(runs)) return List.of();
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Val images, as (path, class) pairs, sorted. */
    static List<Path> valImages(Path data) {
        try (Stream<Path> s = Files.walk(data.resolve("val"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".gif")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
