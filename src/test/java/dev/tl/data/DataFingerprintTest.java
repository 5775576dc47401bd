package dev.tl.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DataFingerprintTest {
    @TempDir
    Path dir;

    /** train/{a,b}/..., val/{a,b}/... with fixed bytes (the fingerprint does not decode images). */
    private DatasetSplit fixed(Path root) {
        List<Sample> train = List.of(
                new Sample(TestImages.writeBytes(root.resolve("train/a/1.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1}), 0),
                new Sample(TestImages.writeBytes(root.resolve("train/a/sub/2.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 2}), 0),
                new Sample(TestImages.writeBytes(root.resolve("train/b/3.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 3}), 1));
        List<Sample> val = List.of(
                new Sample(TestImages.writeBytes(root.resolve("val/a/4.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 4, 4}), 0));
        return new DatasetSplit(List.of("a", "b"), train, val, List.of());
    }

    @Test
    void stableAcrossLocationsAndOrder() {
        DataFingerprint f1 = DataFingerprint.of(dir.resolve("one"), fixed(dir.resolve("one")));
        DataFingerprint f2 = DataFingerprint.of(dir.resolve("two"), fixed(dir.resolve("two")));
        assertEquals(f1, f2);
        assertEquals(new DataFingerprint(f1.sha256(), 2, 3, 1, 18), f1);
        assertEquals(64, f1.sha256().length());
        // pinned, and checked with an independent Python implementation of the documented encoding
        // (length-prefixed UTF-8 fields); any change would invalidate every saved fingerprint
        assertEquals("38f98ab00442076f02c0094c0562d5dc42af2b251786e37c255b6ceb4c7b7e86", f1.sha256());

        DatasetSplit s = fixed(dir.resolve("three"));
        List<Sample> shuffled = new ArrayList<>(s.train());
        Collections.reverse(shuffled);
        assertEquals(f1, DataFingerprint.of(dir.resolve("three"), new DatasetSplit(s.classes(), shuffled, s.val(), s.skipped())));
    }

    @Test
    void changesWithOneByte() throws Exception {
        Path root = dir.resolve("d");
        DatasetSplit s = fixed(root);
        DataFingerprint before = DataFingerprint.of(root, s);
        Path f = root.resolve("train/b/3.png");
        byte[] b = Files.readAllBytes(f);
        b[4] ^= 1;
        Files.write(f, b);
        DataFingerprint after = DataFingerprint.of(root, s);
        assertNotEquals(before.sha256(), after.sha256());
        assertEquals(before.bytes(), after.bytes());
        b[4] ^= 1;
        Files.write(f, b);
        assertEquals(before, DataFingerprint.of(root, s));
    }

    @Test
    void changesWithSplitClassesOrName() {
        Path root = dir.resolve("d");
        DatasetSplit s = fixed(root);
        String h = DataFingerprint.of(root, s).sha256();
        List<Sample> train = new ArrayList<>(s.train());
        List<Sample> val = new ArrayList<>(s.val());
        val.add(train.remove(2));
        assertNotEquals(h, DataFingerprint.of(root, new DatasetSplit(s.classes(), train, val, List.of())).sha256());
        assertNotEquals(h, DataFingerprint.of(root, new DatasetSplit(List.of("a", "c"), s.train(), s.val(), List.of())).sha256());
    }

    @Test
    void sampleOutsideRootRejected() {
        DatasetSplit s = fixed(dir.resolve("d"));
        assertThrows(DataException.class, () -> DataFingerprint.of(dir.resolve("elsewhere"), s));
    }

    @Test
    void fromScan() {
        TestImages.jpeg(dir.resolve("x/ants/a.jpg"), 0x112233);
        TestImages.png(dir.resolve("x/bees/b.png"), 0x445566);
        TestImages.png(dir.resolve("x/bees/c.png"), 0x778899);
        DataFingerprint f = DataFingerprint.of(dir.resolve("x"), ImageFolder.scan(dir.resolve("x"), 0.5, 1));
        assertEquals(2, f.classes());
        assertEquals(2, f.train());
        assertEquals(1, f.val());
        assertTrue(f.describe().startsWith("sha256:" + f.sha256() + " (2 classes, 2 train, 1 val"), f.describe());
    }
}
