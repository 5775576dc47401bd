package dev.tl.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds the images of a dataset folder, like PyTorch's {@code ImageFolder}. Two layouts:
 * <ul>
 *   <li>A: {@code dir/train/<class>/...} and {@code dir/val/<class>/...}; both must have the same classes.</li>
 *   <li>B: {@code dir/<class>/...}; each class is split into train and val with a seed (stratified).
 *       A {@code dir/train} without a {@code dir/val} is split the same way.</li>
 * </ul>
 * Class folders are searched recursively. Class names are sorted (String order, as Python's {@code sorted});
 * files are sorted by their path relative to the class folder. Hidden files and folders (name starting with
 * '.') are ignored. A file whose content is not JPEG or PNG is skipped and reported, whatever its name.
 */
public final class ImageFolder {
    private static final String FIX_LAYOUT = "expected <dir>/<class>/*.jpg, or <dir>/train/<class>/ and <dir>/val/<class>/";

    private ImageFolder() {}

    /**
     * Scans {@code dir}. {@code valFraction} (0 <= f < 1) and {@code seed} are used only for layout B: each
     * class with n images gives {@code round(n * f)} to val, at least 1 when n >= 2 and f > 0, at most n - 1.
     */
    public static DatasetSplit scan(Path dir, double valFraction, long seed) {
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new DataException("validation fraction must be in [0, 1), got " + valFraction);
        }
        if (!Files.exists(dir)) throw new DataException(dir + ": dataset folder does not exist");
        if (!Files.isDirectory(dir)) throw new DataException(dir + ": not a folder; " + FIX_LAYOUT);
        Path train = dir.resolve("train");
        Path val = dir.resolve("val");
        boolean hasTrain = Files.isDirectory(train);
        boolean hasVal = Files.isDirectory(val);
        if (hasTrain && hasVal) return scanSplitLayout(dir, train, val);
        if (hasVal) throw new DataException(dir + ": has val/ but no train/; add " + train + " with one folder per class");
        return scanClassLayout(hasTrain ? train : dir, valFraction, seed);
    }

    private static DatasetSplit scanSplitLayout(Path dir, Path trainDir, Path valDir) {
        List<String> trainClasses = classFolders(trainDir);
        List<String> valClasses = classFolders(valDir);
        if (!trainClasses.equals(valClasses)) {
            TreeSet<String> missingInVal = new TreeSet<>(trainClasses);
            missingInVal.removeAll(valClasses);
            TreeSet<String> missingInTrain = new TreeSet<>(valClasses);
            missingInTrain.removeAll(trainClasses);
            throw new DataException(dir + ": train and val have different classes (missing in val: " + missingInVal
                    + "; missing in train: " + missingInTrain + "); make the class folders of train/ and val/ match");
        }
        if (trainClasses.isEmpty()) throw new DataException(trainDir + ": no class folders; " + FIX_LAYOUT);
        List<Skipped> skipped = new ArrayList<>();
        List<Sample> train = new ArrayList<>();
        List<Sample> val = new ArrayList<>();
        for (int c = 0; c < trainClasses.size(); c++) {
            train.addAll(classImages(trainDir.resolve(trainClasses.get(c)), c, skipped));
            val.addAll(classImages(valDir.resolve(trainClasses.get(c)), c, skipped));
        }
        return new DatasetSplit(trainClasses, train, val, skipped);
    }

    private static DatasetSplit scanClassLayout(Path dir, double valFraction, long seed) {
        List<String> classes = classFolders(dir);
        if (classes.isEmpty()) throw new DataException(dir + ": no class folders; " + FIX_LAYOUT);
        List<Skipped> skipped = new ArrayList<>();
        List<Sample> train = new ArrayList<>();
        List<Sample> val = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Sample> all = classImages(dir.resolve(classes.get(c)), c, skipped);
            boolean[] toVal = chooseVal(all.size(), valFraction, splitSeed(seed, classes.get(c)));
            for (int i = 0; i < all.size(); i++) (toVal[i] ? val : train).add(all.get(i));
        }
        return new DatasetSplit(classes, train, val, skipped);
    }

    /** Which of n images (in sorted order) go to val; deterministic for a seed. */
    static boolean[] chooseVal(int n, double valFraction, long seed) {
        int k = (int) Math.round(n * valFraction);
        if (valFraction > 0 && n >= 2) k = Math.max(k, 1);
        k = Math.min(k, Math.max(n - 1, 0));
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates, spelled out so it never depends on the JDK
            int j = rnd.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        boolean[] toVal = new boolean[n];
        for (int i = 0; i < k; i++) toVal[idx[i]] = true;
        return toVal;
    }

    /** A per-class seed, so that adding a class leaves the split of the others unchanged. */
    private static long splitSeed(long seed, String className) {
        long h = 1125899906842597L;
        for (int i = 0; i < className.length(); i++) h = 31 * h + className.charAt(i);
        return seed * 0x9E3779B97F4A7C15L ^ h;
    }

    private static List<String> classFolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !hidden(p) && Files.isDirectory(p))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list folder (" + e + ")", e);
        }
    }

    private static List<Sample> classImages(Path classDir, int label, List<Skipped> skipped) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            files = s.filter(p -> !p.equals(classDir) && Files.isRegularFile(p) && !hiddenBelow(classDir, p))
                    .sorted(Comparator.comparing(p -> relative(classDir, p)))
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException(classDir + ": cannot list folder (" + e.getMessage() + ")", e);
        }
        List<Sample> out = new ArrayList<>();
        for (Path f : files) {
            String reason;
            try {
                reason = ImageFormat.rejectReason(f);
            } catch (IOException e) {
                reason = "cannot read file (" + e + ")";
            }
            if (reason == null) out.add(new Sample(f, label));
            else skipped.add(new Skipped(f, reason));
        }
        if (out.isEmpty()) {
            throw new DataException(classDir + ": class folder has no JPEG or PNG images"
                    + (files.isEmpty() ? "" : " (" + files.size() + " other files skipped)")
                    + "; add images or remove the folder");
        }
        return out;
    }

    /** {@code p} relative to {@code base}, with '/' separators on every OS. */
    static String relative(Path base, Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path part : base.relativize(p)) {
            if (sb.length() > 0) sb.append('/');
            sb.append(part);
        }
        return sb.toString();
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static boolean hiddenBelow(Path base, Path p) {
        for (Path part : base.relativize(p)) if (part.toString().startsWith(".")) return true;
        return false;
    }
}
