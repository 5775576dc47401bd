package dev.tl.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tiny synthetic images for the tests. */
final class TestImages {
    /** A GIF89a header: enough for content sniffing. */
    static final byte[] GIF = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ';'};

    private TestImages() {}

    static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return img;
    }

    static Path write(BufferedImage img, String format, Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, format, file.toFile())) throw new IllegalStateException("no writer for " + format);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) throw new IllegalStateException("no writer for " + format);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path writeBytes(Path file, byte[] b) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small solid JPEG at {@code file}. */
    static Path jpeg(Path file, int rgb) {
        return write(solid(8, 6, rgb), "jpg", file);
    }

    /** A small solid PNG at {@code file}. */
    static Path png(Path file, int rgb) {
        return write(solid(8, 6, rgb), "png", file);
    }

    static int r(int rgb) { return rgb >>> 16 & 0xFF; }

    static int g(int rgb) { return rgb >>> 8 & 0xFF; }

    static int b(int rgb) { return rgb & 0xFF; }
}
