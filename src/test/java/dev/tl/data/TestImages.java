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

    /**
     * A CMYK JPEG as Photoshop writes it: one 16x16 patch per ink (C, M, Y, K, each 0..255 = 0..100%), left to
     * right, and an Adobe APP14 segment with {@code transform} 0 (CMYK) or 2 (YCCK). Samples are stored
     * inverted (255 - ink), as Adobe does; for YCCK the inverted C, M, Y are stored as JPEG YCbCr of
     * (255 - stored), i.e. of the ink values (libjpeg's cmyk_ycck_convert). Written by the JDK's writer, which
     * encodes a 4-band raster without any color transform and without an APP14 segment, so one is inserted.
     */
    static byte[] adobeCmykJpeg(int[][] inks, int transform) {
        int h = 16;
        java.awt.image.WritableRaster r = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, 16 * inks.length, h, 4, null);
        for (int p = 0; p < inks.length; p++) {
            int[] ink = inks[p];
            int[] px = transform == 0
                    ? new int[]{255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]}
                    : new int[]{clamp(0.299 * ink[0] + 0.587 * ink[1] + 0.114 * ink[2]),
                            clamp(128 - 0.168736 * ink[0] - 0.331264 * ink[1] + 0.5 * ink[2]),
                            clamp(128 + 0.5 * ink[0] - 0.418688 * ink[1] - 0.081312 * ink[2]), 255 - ink[3]};
            for (int y = 0; y < h; y++) for (int x = 0; x < 16; x++) r.setPixel(16 * p + x, y, px);
        }
        javax.imageio.ImageWriter w = null;
        for (var it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            javax.imageio.ImageWriter c = it.next();
            if (c.getClass().getName().equals("com.sun.imageio.plugins.jpeg.JPEGImageWriter")) w = c;
        }
        if (w == null) throw new IllegalStateException("no JDK JPEG writer");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (var out = new javax.imageio.stream.MemoryCacheImageOutputStream(bos)) {
            w.setOutput(out);
            javax.imageio.ImageWriteParam param = w.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.95f);
            w.write(null, new javax.imageio.IIOImage(r, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        byte[] plain = bos.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2); // SOI
        // APP14: "Adobe", version 100, flags0 0, flags1 0, transform
        out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform});
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    static int r(int rgb) { return rgb >>> 16 & 0xFF; }

    static int g(int rgb) { return rgb >>> 8 & 0xFF; }

    static int b(int rgb) { return rgb & 0xFF; }
}
