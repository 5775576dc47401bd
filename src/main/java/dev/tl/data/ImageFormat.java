package dev.tl.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recognizes an image file by its content (magic bytes), not its name. Only JPEG and PNG are read. */
public enum ImageFormat {
    JPEG, PNG;

    static final int MAGIC_LENGTH = 12;
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    /** The format of these leading bytes, or null if they are not JPEG or PNG. */
    public static ImageFormat detect(byte[] head) {
        if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (startsWith(head, PNG_MAGIC)) return PNG;
        return null;
    }

    /**
     * Why a file with these leading bytes is not read, e.g. "GIF image; only JPEG and PNG are read" or
     * "not an image"; null if it is JPEG or PNG.
     */
    public static String rejectReason(byte[] head) {
        if (detect(head) != null) return null;
        if (head.length == 0) return "empty file";
        String other = otherImageType(head);
        return other != null ? other + " image; only JPEG and PNG are read" : "not an image";
    }

    /** Reads the first bytes of a file and returns {@link #rejectReason(byte[])}. */
    public static String rejectReason(Path file) throws IOException {
        return rejectReason(head(file));
    }

    static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(MAGIC_LENGTH);
        }
    }

    private static String otherImageType(byte[] h) {
        if (startsWith(h, "GIF87a".getBytes()) || startsWith(h, "GIF89a".getBytes())) return "GIF";
        if (startsWith(h, "BM".getBytes()) && h.length >= 10 && h[6] == 0 && h[7] == 0 && h[8] == 0 && h[9] == 0) return "BMP";
        if (h.length >= 12 && startsWith(h, "RIFF".getBytes()) && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') return "WebP";
        if (startsWith(h, new byte[]{'I', 'I', 42, 0}) || startsWith(h, new byte[]{'M', 'M', 0, 42})) return "TIFF";
        if (h.length >= 12 && h[4] == 'f' && h[5] == 't' && h[6] == 'y' && h[7] == 'p') return "HEIF/AVIF";
        return null;
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        if (a.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (a[i] != prefix[i]) return false;
        return true;
    }
}
