package dev.tl.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.tl.data.TestImages.*;
import static org.junit.jupiter.api.Assertions.*;

class ImageDecoderTest {
    @TempDir
    Path dir;

    private static void assertRgb(int expected, int actual, int tol) {
        String msg = String.format("expected %06x, got %06x", expected, actual & 0xFFFFFF);
        assertTrue(Math.abs(r(expected) - r(actual)) <= tol && Math.abs(g(expected) - g(actual)) <= tol
                && Math.abs(b(expected) - b(actual)) <= tol, msg);
    }

    @Test
    void rgbPngExact() {
        BufferedImage src = solid(3, 2, 0x123456);
        src.setRGB(2, 1, 0xABCDEF);
        BufferedImage img = ImageDecoder.read(write(src, "png", dir.resolve("a.png")));
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(0x123456, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xABCDEF, img.getRGB(2, 1) & 0xFFFFFF);
    }

    @Test
    void grayPngKeepsValues() {
        BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = gray.getRaster();
        for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) r.setSample(x, y, 0, 100);
        r.setSample(3, 2, 0, 7);
        BufferedImage img = ImageDecoder.read(write(gray, "png", dir.resolve("g.png")));
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(0x646464, img.getRGB(0, 0) & 0xFFFFFF, "gray 100 must become (100,100,100), not gamma-adjusted");
        assertEquals(0x070707, img.getRGB(3, 2) & 0xFFFFFF);
    }

    @Test
    void gray16BitPng() {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setSample(0, 0, 0, 128 * 257);
        gray.getRaster().setSample(1, 0, 0, 1000);
        BufferedImage img = ImageDecoder.read(write(gray, "png", dir.resolve("g16.png")));
        assertEquals(0x808080, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x040404, img.getRGB(1, 0) & 0xFFFFFF); // round(1000 * 255 / 65535) = 4
    }

    @Test
    void rgb16BitPng() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(1, 1);
        r.setPixel(0, 0, new int[]{200 * 257, 10 * 257, 65535});
        BufferedImage src = new BufferedImage(cm, r, false, null);
        BufferedImage img = ImageDecoder.read(write(src, "png", dir.resolve("c16.png")));
        assertEquals(0xC80AFF, img.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void alphaCompositedOverWhite() {
        BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80C80000); // red 200 at alpha 128
        argb.setRGB(1, 0, 0x00000000); // fully transparent black
        argb.setRGB(2, 0, 0xFF102030); // opaque
        BufferedImage img = ImageDecoder.read(write(argb, "png", dir.resolve("a.png")));
        // 200*128/255 + 255*127/255 = 227.4; 0 + 127 = 127
        assertEquals(0xE37F7F, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(0x102030, img.getRGB(2, 0) & 0xFFFFFF);
    }

    @Test
    void palettePngWithTransparency() {
        byte[] reds = {(byte) 10, (byte) 0};
        byte[] greens = {(byte) 200, (byte) 0};
        byte[] blues = {(byte) 30, (byte) 0};
        IndexColorModel icm = new IndexColorModel(8, 2, reds, greens, blues, 1); // index 1 transparent
        BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, icm);
        pal.getRaster().setSample(0, 0, 0, 0);
        pal.getRaster().setSample(1, 0, 0, 1);
        BufferedImage img = ImageDecoder.read(write(pal, "png", dir.resolve("p.png")));
        assertEquals(0x0AC81E, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void grayJpeg() {
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = gray.getRaster();
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) r.setSample(x, y, 0, 100);
        BufferedImage img = ImageDecoder.read(write(gray, "jpg", dir.resolve("g.jpg")));
        assertRgb(0x646464, img.getRGB(5, 5), 1);
    }

    /** 40 wide, 20 high: left half red, right half blue. */
    private static byte[] halvesJpeg() {
        BufferedImage img = solid(40, 20, 0xFF0000);
        for (int y = 0; y < 20; y++) for (int x = 20; x < 40; x++) img.setRGB(x, y, 0x0000FF);
        return bytes(img, "jpg");
    }

    /** Inserts an Exif APP1 segment with only an orientation tag after the JFIF APP0 segment. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
        assertEquals(0xE0, jpeg[3] & 0xFF, "writer puts APP0 first");
        int app0End = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        byte[] tiff = littleEndian
                ? new byte[]{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, 0, 0, 0, 0}
                : new byte[]{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
        byte[] exif = {'E', 'x', 'i', 'f', 0, 0};
        int len = 2 + exif.length + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, app0End);
        out.write(0xFF);
        out.write(0xE1);
        out.write(len >>> 8);
        out.write(len & 0xFF);
        out.writeBytes(exif);
        out.writeBytes(tiff);
        out.write(jpeg, app0End, jpeg.length - app0End);
        return out.toByteArray();
    }

    @Test
    void exifOrientation6RotatesClockwise() {
        Path f = writeBytes(dir.resolve("rot6.jpg"), withExifOrientation(halvesJpeg(), 6, false));
        BufferedImage img = ImageDecoder.read(f);
        assertEquals(20, img.getWidth());
        assertEquals(40, img.getHeight());
        // rotated 90 degrees clockwise: the left (red) half is now on top
        assertRgb(0xFF0000, img.getRGB(10, 5), 40);
        assertRgb(0x0000FF, img.getRGB(10, 35), 40);
    }

    @Test
    void exifOrientation8RotatesCounterClockwiseLittleEndian() {
        Path f = writeBytes(dir.resolve("rot8.jpg"), withExifOrientation(halvesJpeg(), 8, true));
        BufferedImage img = ImageDecoder.read(f);
        assertEquals(20, img.getWidth());
        assertEquals(40, img.getHeight());
        assertRgb(0x0000FF, img.getRGB(10, 5), 40);
        assertRgb(0xFF0000, img.getRGB(10, 35), 40);
    }

    @Test
    void exifOrientation1LeavesImage() {
        BufferedImage img = ImageDecoder.read(writeBytes(dir.resolve("o1.jpg"), withExifOrientation(halvesJpeg(), 1, false)));
        assertEquals(40, img.getWidth());
        assertRgb(0xFF0000, img.getRGB(5, 10), 40);
        assertEquals(6, ImageDecoder.JpegInfo.parse(withExifOrientation(halvesJpeg(), 6, true)).orientation());
        assertEquals(1, ImageDecoder.JpegInfo.parse(halvesJpeg()).orientation());
        assertEquals(3, ImageDecoder.JpegInfo.parse(halvesJpeg()).components());
    }

    @Test
    void allOrientationsMapCorners() {
        // 3x2 image with distinct pixels; check where pixel (0,0) (value 1) lands for each orientation
        BufferedImage src = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 3; x++) src.setRGB(x, y, 1 + x + 3 * y);
        int[][] topLeftTopRight = { // orientation -> {value at output (0,0), value at output (w-1,0)}
                null, {1, 3}, {3, 1}, {6, 4}, {4, 6}, {1, 4}, {4, 1}, {6, 3}, {3, 6}};
        for (int o = 1; o <= 8; o++) {
            BufferedImage out = ImageDecoder.orient(src, o);
            assertEquals(o >= 5 ? 2 : 3, out.getWidth(), "orientation " + o);
            assertEquals(topLeftTopRight[o][0], out.getRGB(0, 0) & 0xFFFFFF, "orientation " + o);
            assertEquals(topLeftTopRight[o][1], out.getRGB(out.getWidth() - 1, 0) & 0xFFFFFF, "orientation " + o);
        }
    }

    @Test
    void garbageFileNamed() {
        Path f = writeBytes(dir.resolve("junk.jpg"), "this is text".getBytes());
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> ImageDecoder.read(f));
        assertEquals(f + ": unreadable image (not an image)", e.getMessage());
        assertEquals("not an image", e.reason());
    }

    @Test
    void gifRejected() {
        Path f = write(solid(4, 4, 0x00FF00), "gif", dir.resolve("x.gif"));
        DataException e = assertThrows(DataException.class, () -> ImageDecoder.read(f));
        assertEquals(f + ": unreadable image (GIF image; only JPEG and PNG are read)", e.getMessage());
    }

    @Test
    void truncatedJpegIsUnreadable() {
        byte[] full = halvesJpeg();
        Path f = writeBytes(dir.resolve("cut.jpg"), Arrays.copyOf(full, 40));
        DataException e = assertThrows(DataException.class, () -> ImageDecoder.read(f));
        assertTrue(e.getMessage().startsWith(f + ": unreadable image ("), e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("gone.jpg");
        DataException e = assertThrows(DataException.class, () -> ImageDecoder.read(f));
        assertTrue(e.getMessage().startsWith(f + ": unreadable image (cannot read file"), e.getMessage());
    }

    /** Cyan, magenta, yellow, black, no ink, 50% black, cyan + magenta. */
    static final int[][] INKS = {{255, 0, 0, 0}, {0, 255, 0, 0}, {0, 0, 255, 0}, {0, 0, 0, 255}, {0, 0, 0, 0}, {0, 0, 0, 128},
            {255, 255, 0, 0}};
    /** What they are in RGB without a color profile: each channel (255 - ink) * (255 - K) / 255, as PIL converts. */
    static final int[] INK_RGB = {0x00FFFF, 0xFF00FF, 0xFFFF00, 0x000000, 0xFFFFFF, 0x7F7F7F, 0x0000FF};

    /**
     * Each patch is a flat 16x16 area aligned with the 8x8 JPEG blocks, so only DC coefficients are non-zero:
     * at quality 0.95 their quantizer step is 2, an error of at most 1 per stored sample, and the YCC-to-RGB
     * conversion of YCCK (coefficients up to 1.772) can add about 2 more. Hence a tolerance of 3 levels of 255;
     * a wrong conversion (no Adobe inversion, CMY read as RGB, K ignored) is off by 100 or more.
     */
    private static void assertInks(BufferedImage img) {
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(16 * INKS.length, img.getWidth());
        assertEquals(16, img.getHeight());
        for (int p = 0; p < INKS.length; p++) {
            for (int[] xy : new int[][]{{16 * p + 1, 1}, {16 * p + 8, 8}, {16 * p + 14, 15}}) {
                assertRgb(INK_RGB[p], img.getRGB(xy[0], xy[1]), 3);
            }
        }
    }

    @Test
    void adobeCmykJpegConvertedToRgb() {
        byte[] jpeg = adobeCmykJpeg(INKS, 0);
        assertEquals(4, ImageDecoder.JpegInfo.parse(jpeg).components());
        assertInks(ImageDecoder.read(writeBytes(dir.resolve("cmyk.jpg"), jpeg)));
    }

    @Test
    void adobeYcckJpegConvertedToRgb() {
        byte[] jpeg = adobeCmykJpeg(INKS, 2);
        assertEquals(4, ImageDecoder.JpegInfo.parse(jpeg).components());
        assertInks(ImageDecoder.read(writeBytes(dir.resolve("ycck.jpg"), jpeg)));
    }

    @Test
    void rgbJpegDecodedByTheJdkReaderNotTwelveMonkeys() throws Exception {
        // TwelveMonkeys registers ahead of the JDK's reader; RGB/gray JPEGs must still get the JDK's pixels
        assertTrue(ImageIO.getImageReadersByFormatName("jpeg").next().getClass().getName().startsWith("com.twelvemonkeys"));
        assertEquals("com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi", ImageDecoder.JpegReaders.JDK.getClass().getName());
        BufferedImage src = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 23; y++) for (int x = 0; x < 37; x++) src.setRGB(x, y, (x * 7) << 16 | (y * 11) << 8 | (x * y) & 0xFF);
        byte[] jpeg = bytes(src, "jpg");
        javax.imageio.ImageReader jdk = ImageDecoder.JpegReaders.JDK.createReaderInstance();
        BufferedImage expected;
        try (var in = new javax.imageio.stream.MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(jpeg))) {
            jdk.setInput(in);
            expected = jdk.read(0);
        } finally {
            jdk.dispose();
        }
        BufferedImage img = ImageDecoder.read(writeBytes(dir.resolve("rgb.jpg"), jpeg));
        for (int y = 0; y < 23; y++) for (int x = 0; x < 37; x++) assertEquals(expected.getRGB(x, y), img.getRGB(x, y) | 0xFF000000);
    }
}
