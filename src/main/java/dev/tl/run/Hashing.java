package dev.tl.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files and strings, hex encoded: the one implementation behind cache keys and checksums. */
public final class Hashing {
    private Hashing() {}

    public static String sha256Hex(Path file) throws IOException {
        return HexFormat.of().formatHex(digest(file, "SHA-256"));
    }

    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(newDigest("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Streams the file through {@code algorithm} ("SHA-256", "SHA-512", "MD5"). */
    public static byte[] digest(Path file, String algorithm) throws IOException {
        MessageDigest md = newDigest(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return md.digest();
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JVM without " + algorithm, e);
        }
    }
}
