package dev.tl.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input {@link DataCheck} reports, each planted once or a known number of times. */
class DataCheckTest {
    @TempDir
    Path tmp;

    private static Map<String, Integer> counts(DataCheck.Report r) {
        return r.findings().stream().collect(Collectors.toMap(DataCheck.Finding::kind, DataCheck.Finding::count));
    }

    private static Path rgbJpeg(Path f, int seed) {
        return TestImages.jpeg(f, 0x102030 * (seed + 1) & 0xFFFFFF);
    }

    /** 14 bad inputs: 2 non-images, 1 truncated JPEG, 2 CMYK/YCCK JPEGs (warning), 1 EXIF-rotated, 2 gray, 1 alpha, 2 duplicates, 1 tiny class, imbalance. */
    @Test
    void reportsEveryProblemWithCounts() throws IOException {
        Path d = tmp.resolve("ds");
        for (int i = 0; i < 12; i++) rgbJpeg(d.resolve("train/big/i" + i + ".jpg"), i);
        for (int i = 0; i < 3; i++) rgbJpeg(d.resolve("train/small/i" + i + ".jpg"), 20 + i);
        for (int i = 0; i < 3; i++) rgbJpeg(d.resolve("val/big/v" + i + ".jpg"), 40 + i);
        rgbJpeg(d.resolve("val/small/v0.jpg"), 50);
        TestImages.writeBytes(d.resolve("train/big/readme.txt"), "notes".getBytes());
        TestImages.writeBytes(d.resolve("val/small/anim.gif"), TestImages.GIF);
        byte[] good = Files.readAllBytes(d.resolve("train/big/i0.jpg"));
        TestImages.writeBytes(d.resolve("train/big/truncated.jpg"), Arrays.copyOf(good, good.length / 3));
        TestImages.writeBytes(d.resolve("train/big/rotated.jpg"), ImageDecoderTest.withExifOrientation(good, 6, false));
        TestImages.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", d.resolve("train/big/gray.png"));
        TestImages.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpg", d.resolve("train/big/gray.jpg"));
        TestImages.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB), "png", d.resolve("train/big/alpha.png"));
        Files.copy(d.resolve("train/big/i3.jpg"), d.resolve("val/big/copy.jpg"));
        Files.copy(d.resolve("train/small/i1.jpg"), d.resolve("val/small/copy.jpg"));

        DataCheck.Report r = DataCheck.run(d, 0.2, 42, true);
        Map<String, Integer> c = counts(r);
        assertEquals(2, c.get("not_image"), r.text());
        assertEquals(1, c.get("corrupt"), r.text());
        assertEquals(1, c.get("exif_rotated"), r.text());
        assertEquals(2, c.get("grayscale"), r.text());
        assertEquals(1, c.get("alpha"), r.text());
        assertFalse(r.usable(), "a JPEG that cannot be decoded stops training: " + r.text());

        Files.delete(d.resolve("train/big/truncated.jpg"));
        r = DataCheck.run(d, 0.2, 42, true);
        c = counts(r);
        assertTrue(r.usable(), r.text());
        assertEquals(2, c.get("duplicate"), r.text());
        assertEquals(1, c.get("imbalance"), r.text()); // 17 vs 3 train images
        assertFalse(c.containsKey("tiny_class"), r.text()); // small: 3 train + 3 val
        assertTrue(r.text().contains("val/big/copy.jpg = train/big/i3.jpg"), r.text());
        assertTrue(r.compact().startsWith("data check: ") && r.compact().contains("2 not_image, ") && r.compact().contains("2 duplicate"), r.compact());
        assertEquals(Boolean.TRUE, r.toJson().get("usable"));

        // a CMYK and a YCCK JPEG are converted when loaded: a warning (with and without decoding), not a blocker
        TestImages.writeBytes(d.resolve("train/small/cmyk.jpg"), TestImages.adobeCmykJpeg(ImageDecoderTest.INKS, 0));
        TestImages.writeBytes(d.resolve("train/big/ycck.jpg"), TestImages.adobeCmykJpeg(ImageDecoderTest.INKS, 2));
        Files.delete(d.resolve("val/small/copy.jpg"));
        for (boolean decode : new boolean[]{false, true}) {
            r = DataCheck.run(d, 0.2, 42, decode);
            c = counts(r);
            assertEquals(2, c.get("cmyk"), r.text());
            assertFalse(c.containsKey("tiny_class"), r.text()); // small: 3 + cmyk.jpg train, 1 val: the CMYK image counts
            assertFalse(c.containsKey("corrupt"), r.text());
            assertTrue(r.usable(), r.text());
            assertTrue(r.text().contains("warning: 2 CMYK/YCCK JPEG(s) (converted to RGB when loaded)"), r.text());
        }
    }

    @Test
    void classSetsThatDifferOrEmptyClassesAreUnusable() throws IOException {
        Path d = tmp.resolve("mismatch");
        for (String cls : new String[]{"a", "b"}) for (int i = 0; i < 5; i++) rgbJpeg(d.resolve("train/" + cls + "/" + i + ".jpg"), i);
        rgbJpeg(d.resolve("val/a/0.jpg"), 9);
        rgbJpeg(d.resolve("val/c/0.jpg"), 10);
        DataCheck.Report r = DataCheck.run(d, 0.2, 42, true);
        assertFalse(r.usable());
        assertEquals(2, counts(r).get("class_mismatch"), r.text());

        Path e = tmp.resolve("empty");
        for (int i = 0; i < 6; i++) rgbJpeg(e.resolve("a/" + i + ".jpg"), i);
        TestImages.writeBytes(e.resolve("b/notes.txt"), "x".getBytes());
        r = DataCheck.run(e, 0.2, 42, true);
        assertFalse(r.usable());
        assertEquals(1, counts(r).get("empty_class"), r.text());
        assertFalse(DataCheck.run(tmp.resolve("nowhere"), 0.2, 42, true).usable());
    }
}
