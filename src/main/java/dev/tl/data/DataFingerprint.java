package dev.tl.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Identifies a dataset's content: SHA-256 over the class names and, for every sample, its split, class
 * index, path relative to the dataset folder (with '/'), size and the SHA-256 of its bytes. Samples are
 * hashed sorted by (split, relative path), so the result does not depend on list order, the OS or where the
 * dataset lives. Skipped files are not part of it.
 *
 * @param sha256  hex digest
 * @param classes number of classes
 * @param train   number of training samples
 * @param val     number of validation samples
 * @param bytes   total size of the sample files
 */
public record DataFingerprint(String sha256, int classes, int train, int val, long bytes) {
    private static final String VERSION = "tl-data-fingerprint-v1";

    /** Reads every sample file of {@code split}; {@code root} is the folder that was scanned. */
    public static DataFingerprint of(Path root, DatasetSplit split) {
        return of(root, split, new ContentHashes());
    }

    /** As above, taking file hashes from {@code hashes} (so files another step already hashed are not read again). */
    public static DataFingerprint of(Path root, DatasetSplit split, ContentHashes hashes) {
        Path base = root.toAbsolutePath().normalize();
        record Entry(String split, String rel, Sample s) {}
        List<Entry> entries = new ArrayList<>();
        for (Sample s : split.train()) entries.add(new Entry("train", rel(base, s.path()), s));
        for (Sample s : split.val()) entries.add(new Entry("val", rel(base, s.path()), s));
        entries.sort(Comparator.comparing(Entry::split).thenComparing(Entry::rel));

        MessageDigest all = newDigest();
        field(all, VERSION);
        field(all, Integer.toString(split.classes().size()));
        for (String c : split.classes()) field(all, c);
        long total = 0;
        for (Entry e : entries) {
            long size;
            try {
                size = Files.size(e.s().path());
            } catch (IOException ex) {
                throw new DataException(e.s().path() + ": cannot read file for the dataset fingerprint (" + ex + ")", ex);
            }
            total += size;
            field(all, e.split());
            field(all, Integer.toString(e.s().label()));
            field(all, e.rel());
            field(all, Long.toString(size));
            field(all, hashes.of(e.s().path()));
        }
        return new DataFingerprint(HexFormat.of().formatHex(all.digest()), split.classes().size(),
                split.train().size(), split.val().size(), total);
    }

    /** e.g. "sha256:3f2a... (2 classes, 244 train, 153 val, 46.2 MB)". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "sha256:%s (%d classes, %d train, %d val, %.1f MB)",
                sha256, classes, train, val, bytes / 1e6);
    }

    private static String rel(Path base, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (!abs.startsWith(base)) throw new DataException(p + ": not inside the dataset folder " + base);
        return ImageFolder.relative(base, abs);
    }

    /** Length-prefixed UTF-8, so that no two field lists hash the same bytes. */
    private static void field(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = b.length;
        md.update(new byte[]{(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        md.update(b);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
