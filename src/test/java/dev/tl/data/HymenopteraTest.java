package dev.tl.data;

import dev.tl.backbone.Preprocessing;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real ants/bees dataset from ../shared (system property tl.shared); skipped when it is absent. */
@Tag("slow")
class HymenopteraTest {
    private static Path dataset() {
        Path d = Path.of(System.getProperty("tl.shared", "../shared")).resolve("datasets/hymenoptera");
        assumeTrue(Files.isDirectory(d.resolve("train")) && Files.isDirectory(d.resolve("val")),
                "hymenoptera dataset not found at " + d.toAbsolutePath() + "; skipping (set -Dtl.shared=<shared dir>)");
        return d;
    }

    @Test
    void scanRealDataset() {
        Path d = dataset();
        DatasetSplit s = ImageFolder.scan(d, 0.2, 1);
        assertEquals(List.of("ants", "bees"), s.classes());
        assertEquals(244, s.train().size());
        assertEquals(153, s.val().size());
        assertEquals(123, s.train().stream().filter(x -> x.label() == 0).count());
        assertEquals(70, s.val().stream().filter(x -> x.label() == 0).count());
        assertEquals(List.of(new Skipped(d.resolve("train/ants/imageNotFound.gif"), "GIF image; only JPEG and PNG are read")),
                s.skipped());
    }

    @Test
    void everyImageDecodesAndLoads() {
        Path d = dataset();
        DatasetSplit s = ImageFolder.scan(d, 0.2, 1);
        List<Sample> all = new ArrayList<>(s.train());
        all.addAll(s.val());
        int n = 0;
        try (BatchLoader l = new BatchLoader(all, 2, 32, new ImageTransform(Preprocessing.caffe(224, true)), Augment.NONE, 1)) {
            while (l.hasNext()) {
                BatchLoader.Batch b = l.next();
                assertFalse(b.features().isNaN().any(), "no NaN");
                n += b.size();
            }
            assertEquals(List.of(), l.skipped());
        }
        assertEquals(397, n);
        DataFingerprint f = DataFingerprint.of(d, s);
        assertEquals(new DataFingerprint("49bc848d9af2bea99d62c3bf93cda7ce68b091280ce0625c63109510a761b6a5", 2, 244, 153, f.bytes()), f);
        System.out.println("hymenoptera " + f.describe());
    }
}
