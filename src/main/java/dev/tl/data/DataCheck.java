package dev.tl.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Looks for what quietly spoils a training run before any time is spent on it: files that are not images,
 * images that cannot be decoded, EXIF-rotated, grayscale, CMYK or transparent images (converted when loaded,
 * which is worth knowing), the same image in train and val (inflates validation accuracy), empty or tiny
 * classes, train/val class sets that differ, and heavy class imbalance.
 *
 * <p>Two depths: {@link #run} with {@code decode} decodes every image (what {@code tl data check} does, so a
 * truncated JPEG is found before training); without it only headers are read (JPEG markers, PNG IHDR), which
 * is what {@code tl train} runs at its start since the images will be decoded anyway. The dataset is
 * "unusable" exactly when {@code tl train} could not train on it.
 */
public final class DataCheck {
    /** Classes with fewer images than this (train + val) are reported as tiny. */
    public static final int TINY_CLASS = 5;
    /** Largest/smallest train class size above this is reported as imbalance. */
    public static final double IMBALANCE = 3.0;
    private static final int EXAMPLES = 5;

    private DataCheck() {}

    /** One kind of finding: how many, a few examples, and whether it stops training. */
    public record Finding(String kind, String description, int count, List<String> examples, boolean blocking) {
    }

    /** Per class: usable images in train and val. */
    public record ClassCount(String name, int train, int val) {
    }

    public record Report(Path dir, int images, List<ClassCount> classes, List<Finding> findings) {
        public boolean usable() {
            return findings.stream().noneMatch(Finding::blocking);
        }

        /** Findings with a count, one line each, then the verdict. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%s: %d images, %d classes", dir, images, classes.size()));
            for (ClassCount c : classes) sb.append(String.format("%n  %-20s train %5d  val %5d", c.name(), c.train(), c.val()));
            for (Finding f : findings) {
                sb.append(String.format("%n%s %d %s", f.blocking() ? "error:" : "warning:", f.count(), f.description()));
                for (String e : f.examples()) sb.append("\n    ").append(e);
                if (f.count() > f.examples().size()) sb.append("\n    ...");
            }
            sb.append(String.format("%n%s", usable() ? (findings.isEmpty() ? "ok: no problems found" : "usable, with the warnings above")
                    : "unusable: fix the errors above"));
            return sb.toString();
        }

        /** The errors, in one line naming files, for the message that stops {@code tl train}. */
        public String blockingLine() {
            List<String> parts = new ArrayList<>();
            for (Finding f : findings) {
                if (f.blocking()) parts.add(f.count() + " " + f.description() + ": " + String.join(", ", f.examples()) + (f.count() > f.examples().size() ? ", ..." : ""));
            }
            return dir + ": unusable dataset: " + String.join("; ", parts);
        }

        /** One line for {@code tl train}'s stderr. */
        public String compact() {
            if (findings.isEmpty()) return "data check: ok";
            List<String> parts = new ArrayList<>();
            for (Finding f : findings) parts.add(f.count() + " " + f.kind());
            return "data check: " + String.join(", ", parts) + " (details: tl data check " + dir + ")";
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schema", "tl.data-check/1");
            m.put("dir", dir.toString());
            m.put("usable", usable());
            m.put("images", images);
            List<Map<String, Object>> cs = new ArrayList<>();
            for (ClassCount c : classes) cs.add(new LinkedHashMap<>(Map.of("name", c.name(), "train", c.train(), "val", c.val())));
            m.put("classes", cs);
            List<Map<String, Object>> fs = new ArrayList<>();
            for (Finding f : findings) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("kind", f.kind());
                o.put("description", f.description());
                o.put("count", f.count());
                o.put("blocking", f.blocking());
                o.put("examples", f.examples());
                fs.add(o);
            }
            m.put("findings", fs);
            return m;
        }
    }

    /** Accumulates files per kind of finding, in a fixed order so reports are stable. */
    private static final class Findings {
        private final Map<String, List<String>> files = new LinkedHashMap<>();
        private final Map<String, String> descriptions = new LinkedHashMap<>();
        private final Map<String, Boolean> blocking = new LinkedHashMap<>();

        void add(String kind, String description, boolean block, String item) {
            files.computeIfAbsent(kind, k -> new ArrayList<>()).add(item);
            descriptions.putIfAbsent(kind, description);
            blocking.putIfAbsent(kind, block);
        }

        List<Finding> list() {
            List<Finding> out = new ArrayList<>();
            for (var e : files.entrySet()) {
                List<String> all = e.getValue();
                out.add(new Finding(e.getKey(), descriptions.get(e.getKey()), all.size(), List.copyOf(all.subList(0, Math.min(EXAMPLES, all.size()))),
                        blocking.get(e.getKey())));
            }
            return out;
        }
    }

    /**
     * Checks {@code dir} in either layout of {@link ImageFolder}; {@code valFraction} and {@code splitSeed}
     * choose the val images of a layout without val/ (as training would), for the duplicate check.
     */
    public static Report run(Path dir, double valFraction, long splitSeed, boolean decode) {
        return run(dir, valFraction, splitSeed, decode, new ContentHashes());
    }

    /** As above, sharing file hashes with the other steps of a run through {@code hashes}. */
    public static Report run(Path dir, double valFraction, long splitSeed, boolean decode, ContentHashes hashes) {
        Findings f = new Findings();
        if (!Files.isDirectory(dir)) {
            f.add("missing", "dataset folder does not exist or is not a folder", true, dir.toString());
            return new Report(dir, 0, List.of(), f.list());
        }
        Path trainDir = dir.resolve("train");
        Path valDir = dir.resolve("val");
        boolean split = Files.isDirectory(trainDir) && Files.isDirectory(valDir);
        Path classRoot = split ? trainDir : Files.isDirectory(trainDir) ? trainDir : dir;
        List<String> trainClasses = classFolders(classRoot);
        List<String> valClasses = split ? classFolders(valDir) : trainClasses;
        if (split && !trainClasses.equals(valClasses)) {
            TreeSet<String> onlyTrain = new TreeSet<>(trainClasses);
            onlyTrain.removeAll(valClasses);
            TreeSet<String> onlyVal = new TreeSet<>(valClasses);
            onlyVal.removeAll(trainClasses);
            for (String c : onlyTrain) f.add("class_mismatch", "class folders only in train/ or only in val/ (make them match)", true, "only in train: " + c);
            for (String c : onlyVal) f.add("class_mismatch", "class folders only in train/ or only in val/ (make them match)", true, "only in val: " + c);
        }
        TreeSet<String> all = new TreeSet<>(trainClasses);
        all.addAll(valClasses);
        if (all.size() < 2) f.add("too_few_classes", "class folder(s): a classifier needs at least 2", true, all.isEmpty() ? dir + ": none" : all.first());

        int images = 0;
        Map<String, int[]> perClass = new TreeMap<>(); // name -> {all images in classRoot, val images}
        for (String c : all) perClass.put(c, new int[2]);
        for (String c : all) {
            if (trainClasses.contains(c)) perClass.get(c)[0] = inspectClass(classRoot.resolve(c), decode, f);
            if (split && valClasses.contains(c)) perClass.get(c)[1] = inspectClass(valDir.resolve(c), decode, f);
            images += perClass.get(c)[0] + perClass.get(c)[1];
        }

        for (var e : perClass.entrySet()) {
            int[] n = e.getValue();
            if (split ? (trainClasses.contains(e.getKey()) && n[0] == 0) || (valClasses.contains(e.getKey()) && n[1] == 0) : n[0] == 0) {
                f.add("empty_class", "class folder(s) without a usable image (add images or remove the folder)", true,
                        e.getKey() + (split ? " (train " + n[0] + ", val " + n[1] + ")" : ""));
            }
        }

        List<ClassCount> counts = new ArrayList<>();
        DatasetSplit ds = null;
        if (f.list().stream().noneMatch(Finding::blocking)) {
            try {
                ds = ImageFolder.scan(dir, valFraction, splitSeed);
            } catch (DataException e) {
                f.add("unusable", "problem that stops training", true, e.getMessage());
            }
        }
        if (ds != null) {
            int[] tr = new int[ds.numClasses()];
            int[] va = new int[ds.numClasses()];
            for (Sample s : ds.train()) tr[s.label()]++;
            for (Sample s : ds.val()) va[s.label()]++;
            for (int c = 0; c < ds.numClasses(); c++) counts.add(new ClassCount(ds.classes().get(c), tr[c], va[c]));
            if (ds.val().isEmpty()) f.add("no_val", "validation images (add val/ or set data.val_fraction > 0)", true, dir.toString());
            duplicates(ds, dir, f, hashes);
        } else {
            for (var e : perClass.entrySet()) counts.add(new ClassCount(e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (ClassCount c : counts) {
            int n = c.train() + c.val();
            if (n > 0 && n < TINY_CLASS) f.add("tiny_class", "class(es) with fewer than " + TINY_CLASS + " images", false, c.name() + ": " + n);
            if (n > 0) {
                min = Math.min(min, c.train());
                max = Math.max(max, c.train());
            }
        }
        if (counts.size() >= 2 && min > 0 && max / (double) min > IMBALANCE) {
            f.add("imbalance", String.format("class imbalance: largest/smallest train class > %.0f", IMBALANCE), false,
                    String.format("%d vs %d train images (%.1fx); consider more images of the small classes, or training.class_weights: balanced", max, min, max / (double) min));
        }
        return new Report(dir, images, counts, f.list());
    }

    /** Inspects every file under a class folder; returns how many are usable images. */
    private static int inspectClass(Path classDir, boolean decode, Findings f) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            files = s.filter(p -> !p.equals(classDir) && Files.isRegularFile(p) && !hiddenBelow(classDir, p)).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            f.add("unlistable", "folder(s) that cannot be listed", true, classDir + ": " + e.getMessage());
            return 0;
        }
        int usable = 0;
        for (Path p : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(p);
            } catch (IOException e) {
                f.add("unreadable", "file(s) that cannot be read (skipped when training)", false, p + ": " + e.getMessage());
                continue;
            }
            byte[] head = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, ImageFormat.MAGIC_LENGTH));
            ImageFormat format = ImageFormat.detect(head);
            if (format == null) {
                f.add("not_image", "non-image or unsupported file(s) (skipped when training)", false, p + ": " + ImageFormat.rejectReason(head));
                continue;
            }
            if (format == ImageFormat.JPEG) {
                ImageDecoder.JpegInfo info = ImageDecoder.JpegInfo.parse(bytes);
                if (info.components() == 4) f.add("cmyk", "CMYK/YCCK JPEG(s) (converted to RGB when loaded)", false, p.toString());
                if (info.components() == 1) f.add("grayscale", "grayscale image(s) (converted to RGB when loaded)", false, p.toString());
                if (info.orientation() != 1) {
                    f.add("exif_rotated", "EXIF-rotated JPEG(s) (rotated upright when loaded)", false, p + ": orientation " + info.orientation());
                }
            } else {
                int colorType = bytes.length > 25 ? bytes[25] & 0xFF : -1; // IHDR color type
                if (colorType == 0 || colorType == 4) f.add("grayscale", "grayscale image(s) (converted to RGB when loaded)", false, p.toString());
                if (colorType == 4 || colorType == 6) f.add("alpha", "image(s) with transparency (composited over white when loaded)", false, p.toString());
            }
            if (decode) {
                try {
                    ImageDecoder.decode(p, bytes);
                } catch (UnreadableImageException e) {
                    f.add("corrupt", "JPEG/PNG file(s) that cannot be decoded (remove or fix them; training would stop on them)", true,
                            p + ": " + e.reason());
                    continue;
                }
            }
            usable++;
        }
        return usable;
    }

    /** Images whose bytes occur in both train and val: validation on them measures memory, not generalisation. */
    private static void duplicates(DatasetSplit ds, Path dir, Findings f, ContentHashes hashes) {
        Map<String, Path> train = new LinkedHashMap<>();
        for (Sample s : ds.train()) train.putIfAbsent(hashes.of(s.path()), s.path());
        for (Sample s : ds.val()) {
            Path t = train.get(hashes.of(s.path()));
            if (t != null) {
                f.add("duplicate", "image(s) in val that are exact copies of train images (remove one of each pair)", false,
                        dir.relativize(s.path()) + " = " + dir.relativize(t));
            }
        }
    }

    private static List<String> classFolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list folder (" + e.getMessage() + ")", e);
        }
    }

    private static boolean hiddenBelow(Path base, Path p) {
        for (Path part : base.relativize(p)) if (part.toString().startsWith(".")) return true;
        return false;
    }
}
