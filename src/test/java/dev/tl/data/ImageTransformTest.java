package dev.tl.data;

import dev.tl.backbone.Preprocessing;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;

import static dev.tl.data.TestImages.solid;
import static org.junit.jupiter.api.Assertions.*;

class ImageTransformTest {
    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    /** Raw 0..255 values, no normalization; input h x w, no resize beyond the crop. */
    private static Preprocessing identity(int h, int w, String order, boolean channelsLast) {
        return new Preprocessing(h, w, Math.min(h, w), order, 1f, ZERO.clone(), ONE.clone(), channelsLast);
    }

    @Test
    void caffeBgrNormalization() {
        Preprocessing p = Preprocessing.caffe(8, true);
        float[] out = new ImageTransform(p).eval(solid(50, 40, 0x0A141E)); // R=10 G=20 B=30
        assertEquals(3 * 8 * 8, out.length);
        for (int i = 0; i < 64; i++) {
            assertEquals(30 - 103.939f, out[i * 3], 1e-3, "B first");
            assertEquals(20 - 116.779f, out[i * 3 + 1], 1e-3);
            assertEquals(10 - 123.68f, out[i * 3 + 2], 1e-3);
        }
    }

    @Test
    void tfRgbNormalizationNchw() {
        Preprocessing p = Preprocessing.tf(8, false);
        float[] out = new ImageTransform(p).eval(solid(40, 50, 0x0A141E));
        for (int i = 0; i < 64; i++) {
            assertEquals(10 / 127.5f - 1, out[i], 1e-5, "R plane first");
            assertEquals(20 / 127.5f - 1, out[64 + i], 1e-5);
            assertEquals(30 / 127.5f - 1, out[128 + i], 1e-5);
        }
    }

    private static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 10 + y) << 16 | (100 + x) << 8 | (200 + y));
        return img;
    }

    @Test
    void nhwcAndNchwIndexing() {
        BufferedImage img = gradient(6, 4);
        float[] nhwc = new ImageTransform(identity(4, 6, "RGB", true)).eval(img);
        float[] nchw = new ImageTransform(identity(4, 6, "RGB", false)).eval(img);
        float[] bgr = new ImageTransform(identity(4, 6, "BGR", true)).eval(img);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                float[] rgb = {x * 10 + y, 100 + x, 200 + y};
                for (int c = 0; c < 3; c++) {
                    assertEquals(rgb[c], nhwc[(y * 6 + x) * 3 + c], 1e-3, "NHWC y=" + y + " x=" + x + " c=" + c);
                    assertEquals(rgb[c], nchw[c * 24 + y * 6 + x], 1e-3, "NCHW y=" + y + " x=" + x + " c=" + c);
                    assertEquals(rgb[c], bgr[(y * 6 + x) * 3 + 2 - c], 1e-3, "BGR y=" + y + " x=" + x + " c=" + c);
                }
            }
        }
    }

    @Test
    void centerCropWithoutResize() {
        BufferedImage img = solid(30, 10, 0xFF0000);
        for (int y = 0; y < 10; y++) for (int x = 10; x < 20; x++) img.setRGB(x, y, 0x00FF00);
        float[] out = new ImageTransform(identity(10, 10, "RGB", true)).eval(img);
        for (int i = 0; i < 100; i++) {
            assertEquals(0, out[i * 3], 1e-3, "pixel " + i);
            assertEquals(255, out[i * 3 + 1], 1e-3, "pixel " + i);
        }
    }

    @Test
    void centerCropAfterResizePortrait() {
        // 100 wide, 200 high, center 100x100 green: resized to 10x20, crop rows 5..14 = the green square
        BufferedImage img = solid(100, 200, 0xFF0000);
        for (int y = 50; y < 150; y++) for (int x = 0; x < 100; x++) img.setRGB(x, y, 0x00FF00);
        float[] out = new ImageTransform(identity(10, 10, "RGB", false)).eval(img);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                float g = out[100 + y * 10 + x];
                if (y >= 1 && y <= 8) assertEquals(255, g, 1e-3, "y=" + y);
                else assertTrue(g > 150 && g < 255, "edge row " + y + " mixes a little red: " + g);
            }
        }
    }

    @Test
    void evalBoxFollowsTorchvision() {
        ImageTransform t = new ImageTransform(Preprocessing.caffe(224, true)); // resize 256, crop 224
        ImageTransform.Box b = t.evalBox(500, 375);
        // Resize(256): 341x256; CenterCrop(224): left round(58.5)=58 (half to even), top 16
        double s = 500.0 / 341;
        assertEquals(58 * s, b.x(), 1e-9);
        assertEquals(16 * 375.0 / 256, b.y(), 1e-9);
        assertEquals(224 * s, b.w(), 1e-9);
        assertEquals(224 * 375.0 / 256, b.h(), 1e-9);
    }

    @Test
    void downscaleIsAntialiased() {
        // stripes 2 px wide shrunk 10x: plain bilinear sampling would hit a single stripe (0 or 255)
        BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) for (int x = 0; x < 100; x++) img.setRGB(x, y, (x / 2) % 2 == 0 ? 0xFFFFFF : 0);
        float[] out = new ImageTransform(identity(10, 10, "RGB", true)).eval(img);
        for (float v : out) assertEquals(127.5, v, 15, Arrays.toString(Arrays.copyOf(out, 30)));
    }

    @Test
    void upscaleIsBilinear() {
        // 2x1 -> 4x2: values at 1/4 and 3/4 between the two pixels, clamped at the edges
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0);
        img.setRGB(1, 0, 0xC8C8C8); // 200
        Preprocessing p = new Preprocessing(2, 4, 2, "RGB", 1f, ZERO.clone(), ONE.clone(), false);
        float[] out = new ImageTransform(p).eval(img);
        assertArrayEquals(new float[]{0, 50, 150, 200}, Arrays.copyOf(out, 4), 1e-3f);
    }

    private static BufferedImage noise(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(0x1000000));
        return img;
    }

    @Test
    void augmentationDeterministicForSeed() {
        ImageTransform t = new ImageTransform(Preprocessing.tf(16, true));
        BufferedImage img = noise(64, 48, 1);
        Augment a = new Augment(true, 0.35);
        float[] x1 = t.augment(img, a, new Random(5));
        float[] x2 = t.augment(img, a, new Random(5));
        float[] x3 = t.augment(img, a, new Random(6));
        assertEquals(3 * 16 * 16, x1.length);
        assertArrayEquals(x1, x2);
        assertFalse(Arrays.equals(x1, x3));
        assertFalse(Arrays.equals(x1, t.eval(img)), "a random crop is not the center crop");
        assertArrayEquals(t.eval(img), t.augment(img, Augment.NONE, new Random(5)));
    }

    @Test
    void flipMirrorsHalfTheTime() {
        ImageTransform t = new ImageTransform(identity(8, 8, "RGB", true));
        BufferedImage img = gradient(8, 8);
        float[] eval = t.eval(img);
        float[] mirror = new float[eval.length];
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) System.arraycopy(eval, (y * 8 + 7 - x) * 3, mirror, (y * 8 + x) * 3, 3);
        int flipped = 0;
        Random rnd = new Random(11);
        for (int i = 0; i < 40; i++) {
            float[] out = t.augment(img, new Augment(true, 1.0), rnd);
            if (Arrays.equals(out, mirror)) flipped++;
            else assertArrayEquals(eval, out, "draw " + i);
        }
        assertTrue(flipped >= 8 && flipped <= 32, "flipped " + flipped + " of 40");
    }

    @Test
    void randomResizedCropBoxWithinLimits() {
        Random rnd = new Random(3);
        double minArea = 1;
        for (int i = 0; i < 500; i++) {
            ImageTransform.Box b = ImageTransform.randomResizedCropBox(300, 200, 0.35, rnd);
            assertTrue(b.x() >= 0 && b.y() >= 0 && b.x() + b.w() <= 300 && b.y() + b.h() <= 200, b.toString());
            double area = b.w() * b.h() / (300.0 * 200);
            double ratio = b.w() / b.h();
            assertTrue(area >= 0.34 && area <= 1.0, "area " + area);
            assertTrue(ratio >= 0.74 && ratio <= 1.35, "ratio " + ratio);
            minArea = Math.min(minArea, area);
        }
        assertTrue(minArea < 0.45, "small crops occur: " + minArea);
        // a very wide image: no random crop fits, fallback is a centered 4:3 crop of full height
        ImageTransform.Box b = ImageTransform.randomResizedCropBox(1000, 10, 0.9, new Random(1));
        assertEquals(new ImageTransform.Box(493, 0, 13, 10), b);
    }

    @Test
    void augmentedConstantImageStaysConstant() {
        ImageTransform t = new ImageTransform(Preprocessing.caffe(12, false));
        float[] out = t.augment(solid(37, 23, 0x0A141E), Augment.DEFAULT, new Random(9));
        for (int i = 0; i < 144; i++) assertEquals(30 - 103.939f, out[i], 1e-3);
    }
}
