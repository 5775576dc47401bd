package dev.tl.data;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Decodes JPEG and PNG files into 8-bit RGB ({@link BufferedImage#TYPE_INT_RGB}) with {@code javax.imageio}.
 *
 * <ul>
 *   <li>Grayscale, palette and 16-bit images are converted by reading the raster's samples directly, so a gray
 *       value v becomes (v, v, v). (Java2D's own conversion treats gray as linear and would lighten it.)</li>
 *   <li>Transparency is composited over white.</li>
 *   <li>JPEG EXIF orientation (APP1 tag 0x0112) is applied. Embedded ICC profiles of RGB/gray JPEGs are
 *       ignored: sample values are taken as sRGB, as PIL (and so PyTorch) does.</li>
 *   <li>CMYK and YCCK JPEGs (4 components) are converted to RGB by the TwelveMonkeys JPEG reader
 *       ({@code com.twelvemonkeys.imageio:imageio-jpeg}), which the JDK's reader cannot do: Adobe APP14
 *       inverted samples are handled, an embedded CMYK ICC profile is applied, and without one each channel is
 *       (1 - C)(1 - K) etc., so pure cyan is (0, 255, 255) as PIL gives it. That reader is picked explicitly and
 *       only for these files; every other JPEG is decoded by the JDK's own reader, so its pixels are exactly those
 *       ImageIO gave before TwelveMonkeys was on the classpath (TwelveMonkeys registers itself ahead of it).</li>
 * </ul>
 * Every failure is an {@link UnreadableImageException} naming the file. Thread-safe (no shared state).
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /** Reads and decodes an image file into RGB, applying EXIF orientation. */
    public static BufferedImage read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UnreadableImageException(path, "cannot read file: " + e, e);
        }
        return decode(path, bytes);
    }

    /** Decodes the bytes of an image file; {@code path} is only used in messages. */
    public static BufferedImage decode(Path path, byte[] bytes) {
        byte[] head = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, ImageFormat.MAGIC_LENGTH));
        ImageFormat format = ImageFormat.detect(head);
        if (format == null) throw new UnreadableImageException(path, ImageFormat.rejectReason(head));
        int orientation = 1;
        boolean cmyk = false;
        if (format == ImageFormat.JPEG) {
            JpegInfo info = JpegInfo.parse(bytes);
            cmyk = info.components() == 4;
            orientation = info.orientation();
        }
        BufferedImage raw;
        try {
            raw = readWithImageIo(format, cmyk, bytes);
        } catch (IIOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (msg.contains("Unsupported Image Type")) msg = "unsupported JPEG color type; convert it to RGB";
            throw new UnreadableImageException(path, msg, e);
        } catch (IOException | RuntimeException e) {
            // ImageIO's plugins throw unchecked exceptions (e.g. IndexOutOfBounds) on some corrupt files
            throw new UnreadableImageException(path, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        if (raw == null) throw new UnreadableImageException(path, "no image in file");
        return orient(toRgb(raw), orientation);
    }

    private static BufferedImage readWithImageIo(ImageFormat format, boolean cmyk, byte[] bytes) throws IOException {
        ImageReader reader;
        if (format == ImageFormat.JPEG) {
            reader = (cmyk ? JpegReaders.CMYK : JpegReaders.JDK).createReaderInstance();
        } else {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
            if (!readers.hasNext()) throw new IOException("no ImageIO reader for " + format);
            reader = readers.next();
        }
        // memory-cached stream: no temp files, no global ImageIO.setUseCache
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return reader.read(0);
        } finally {
            reader.dispose();
        }
    }

    /**
     * The two JPEG readers, looked up once in ImageIO's registry (where both register themselves from the
     * classpath through the service loader, so {@code ImageIO.scanForPlugins()} is not needed). TwelveMonkeys
     * orders itself ahead of the JDK's reader for "jpeg", hence the explicit choice.
     */
    static final class JpegReaders {
        static final String JDK_SPI = "com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi";
        /** The JDK's reader: all 1- and 3-component JPEGs. */
        static final ImageReaderSpi JDK = jdk();
        /** TwelveMonkeys' reader: CMYK/YCCK JPEGs. */
        static final ImageReaderSpi CMYK = twelveMonkeys();

        private JpegReaders() {}

        private static ImageReaderSpi jdk() {
            IIORegistry registry = IIORegistry.getDefaultInstance();
            Iterator<ImageReaderSpi> it = registry.getServiceProviders(ImageReaderSpi.class,
                    spi -> spi.getClass().getName().equals(JDK_SPI), false);
            if (!it.hasNext()) throw new IllegalStateException("the JDK's JPEG reader (" + JDK_SPI + ") is not registered with ImageIO");
            return it.next();
        }

        private static ImageReaderSpi twelveMonkeys() {
            IIORegistry registry = IIORegistry.getDefaultInstance();
            JPEGImageReaderSpi spi = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
            if (spi == null) {
                // not found by the service loader (e.g. another context class loader when ImageIO started):
                // registering it runs its onRegistration, which finds the JDK reader it delegates to
                registry.registerServiceProvider(new JPEGImageReaderSpi(), ImageReaderSpi.class);
                spi = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
            }
            return spi;
        }
    }

    /** Converts any decoded image to 8-bit TYPE_INT_RGB; alpha is composited over white. */
    public static BufferedImage toRgb(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        ColorModel cm = src.getColorModel();
        Raster r = src.getRaster();
        if (src.getType() == BufferedImage.TYPE_3BYTE_BGR && r.getParent() == null
                && ((DataBufferByte) r.getDataBuffer()).getData().length == w * h * 3) {
            byte[] b = ((DataBufferByte) r.getDataBuffer()).getData();
            for (int i = 0, j = 0; i < w * h; i++, j += 3) {
                dst[i] = (b[j + 2] & 0xFF) << 16 | (b[j + 1] & 0xFF) << 8 | (b[j] & 0xFF);
            }
        } else if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            src.getRGB(0, 0, w, h, dst, 0, w);
        } else if (cm instanceof IndexColorModel icm) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int argb = icm.getRGB(row[x]);
                    dst[y * w + x] = overWhite(argb >>> 16 & 0xFF, argb >>> 8 & 0xFF, argb & 0xFF, (argb >>> 24) / 255.0);
                }
            }
        } else if ((cm.getNumColorComponents() == 1 || cm.getNumColorComponents() == 3)
                && cm.getColorSpace().getType() != java.awt.color.ColorSpace.TYPE_CMYK
                && r.getNumBands() == cm.getNumComponents()) {
            convertComponents(src, dst);
        } else {
            // anything else (e.g. packed formats): let Java2D convert, then composite over white
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = src.getRGB(x, y);
                    dst[y * w + x] = overWhite(argb >>> 16 & 0xFF, argb >>> 8 & 0xFF, argb & 0xFF,
                            cm.hasAlpha() ? (argb >>> 24) / 255.0 : 1.0);
                }
            }
        }
        return out;
    }

    /** Gray, gray+alpha, RGB or RGBA components of any bit depth, read as plain samples. */
    private static void convertComponents(BufferedImage src, int[] dst) {
        int w = src.getWidth();
        int h = src.getHeight();
        ColorModel cm = src.getColorModel();
        Raster r = src.getRaster();
        int colors = cm.getNumColorComponents();
        int bands = r.getNumBands();
        boolean alpha = cm.hasAlpha();
        double[] max = new double[bands];
        for (int b = 0; b < bands; b++) max[b] = (1L << r.getSampleModel().getSampleSize(b)) - 1;
        int[] px = new int[w * bands];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int o = x * bands;
                int cr = to8(px[o], max[0]);
                int cg = colors == 3 ? to8(px[o + 1], max[1]) : cr;
                int cb = colors == 3 ? to8(px[o + 2], max[2]) : cr;
                double a = alpha ? px[o + colors] / max[colors] : 1.0;
                dst[y * w + x] = overWhite(cr, cg, cb, a);
            }
        }
    }

    private static int to8(int sample, double max) {
        return max == 255 ? sample : (int) Math.round(sample * 255.0 / max);
    }

    private static int overWhite(int r, int g, int b, double a) {
        if (a < 1.0) {
            r = (int) Math.round(r * a + 255 * (1 - a));
            g = (int) Math.round(g * a + 255 * (1 - a));
            b = (int) Math.round(b * a + 255 * (1 - a));
        }
        return r << 16 | g << 8 | b;
    }

    /**
     * Applies an EXIF orientation (1..8) to an RGB image: 2 mirror, 3 rotate 180, 4 flip vertically,
     * 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise. Other values: unchanged.
     */
    public static BufferedImage orient(BufferedImage rgb, int orientation) {
        if (orientation < 2 || orientation > 8) return rgb;
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] src = rgb.getRGB(0, 0, w, h, null, 0, w);
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] dst = new int[ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                dst[y * ow + x] = src[sy * w + sx];
            }
        }
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, ow, oh, dst, 0, ow);
        return out;
    }

    /** What the JPEG marker segments say: EXIF orientation (1 if absent) and the number of color components. */
    record JpegInfo(int orientation, int components) {
        static JpegInfo parse(byte[] b) {
            int orientation = 1;
            int components = 0;
            int i = 2; // after SOI
            while (i + 4 <= b.length) {
                if ((b[i] & 0xFF) != 0xFF) break; // not a marker: corrupt; leave it to the decoder
                int marker = b[i + 1] & 0xFF;
                if (marker == 0xFF) { i++; continue; } // fill byte
                if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { i += 2; continue; }
                if (marker == 0xD9 || marker == 0xDA) break; // EOI / start of scan: headers are over
                int len = (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
                int start = i + 4;
                int end = Math.min(i + 2 + len, b.length);
                if (len < 2) break;
                if (marker == 0xE1 && orientation == 1 && end - start >= 6 && b[start] == 'E' && b[start + 1] == 'x'
                        && b[start + 2] == 'i' && b[start + 3] == 'f' && b[start + 4] == 0 && b[start + 5] == 0) {
                    orientation = exifOrientation(b, start + 6, end);
                }
                boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
                if (sof && start + 5 < end) components = b[start + 5] & 0xFF;
                i += 2 + len;
            }
            return new JpegInfo(orientation, components);
        }

        /** Orientation tag (0x0112) of IFD0 of the TIFF structure in b[tiff, end); 1 if absent or malformed. */
        static int exifOrientation(byte[] b, int tiff, int end) {
            if (end - tiff < 8) return 1;
            boolean le;
            if (b[tiff] == 'I' && b[tiff + 1] == 'I') le = true;
            else if (b[tiff] == 'M' && b[tiff + 1] == 'M') le = false;
            else return 1;
            if (u16(b, tiff + 2, le) != 42) return 1;
            long ifd = u32(b, tiff + 4, le);
            if (ifd < 8 || tiff + ifd + 2 > end) return 1;
            int p = (int) (tiff + ifd);
            int n = u16(b, p, le);
            for (int k = 0; k < n; k++) {
                int e = p + 2 + 12 * k;
                if (e + 12 > end) return 1;
                if (u16(b, e, le) == 0x0112) {
                    int type = u16(b, e + 2, le);
                    int v = type == 3 ? u16(b, e + 8, le) : type == 4 ? (int) u32(b, e + 8, le) : 1;
                    return v >= 1 && v <= 8 ? v : 1;
                }
            }
            return 1;
        }

        private static int u16(byte[] b, int i, boolean le) {
            int x = b[i] & 0xFF;
            int y = b[i + 1] & 0xFF;
            return le ? y << 8 | x : x << 8 | y;
        }

        private static long u32(byte[] b, int i, boolean le) {
            long lo = u16(b, le ? i : i + 2, le);
            long hi = u16(b, le ? i + 2 : i, le);
            return hi << 16 | lo;
        }
    }
}
