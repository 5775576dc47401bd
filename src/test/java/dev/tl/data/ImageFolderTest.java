package dev.tl.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ImageFolderTest {
    @TempDir
    Path dir;

    private void images(Path classDir, int n) {
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) TestImages.jpeg(classDir.resolve(String.format("img%02d.jpg", i)), 0x336699);
            else TestImages.png(classDir.resolve(String.format("img%02d.png", i)), 0x996633);
        }
    }

    @Test
    void splitLayoutWithSkippedAndHiddenFiles() throws Exception {
        images(dir.resolve("train/bees"), 3);
        images(dir.resolve("train/ants"), 2);
        images(dir.resolve("val/ants"), 1);
        images(dir.resolve("val/bees"), 2);
        TestImages.writeBytes(dir.resolve("train/ants/imageNotFound.gif"), TestImages.GIF);
        TestImages.writeBytes(dir.resolve("train/bees/notes.jpg"), "hello, not a picture".getBytes());
        TestImages.writeBytes(dir.resolve("val/bees/.DS_Store"), new byte[]{0, 0, 0, 1});
        TestImages.jpeg(dir.resolve("val/ants/.hidden/x.jpg"), 0);
        // a JPEG with a misleading name is still read: content decides
        Files.copy(dir.resolve("val/ants/img00.jpg"), dir.resolve("val/ants/renamed.gif"));

        DatasetSplit s = ImageFolder.scan(dir, 0.5, 1);

        assertEquals(List.of("ants", "bees"), s.classes());
        assertEquals(5, s.train().size());
        assertEquals(4, s.val().size());
        assertEquals(List.of(dir.resolve("train/ants/img00.jpg"), dir.resolve("train/ants/img01.png"),
                        dir.resolve("train/bees/img00.jpg"), dir.resolve("train/bees/img01.png"), dir.resolve("train/bees/img02.jpg")),
                s.train().stream().map(Sample::path).toList());
        assertEquals(List.of(0, 0, 1, 1, 1), s.train().stream().map(Sample::label).toList());
        assertEquals(List.of(0, 0, 1, 1), s.val().stream().map(Sample::label).toList());
        assertTrue(s.val().contains(new Sample(dir.resolve("val/ants/renamed.gif"), 0)));
        assertEquals(List.of(
                new Skipped(dir.resolve("train/ants/imageNotFound.gif"), "GIF image; only JPEG and PNG are read"),
                new Skipped(dir.resolve("train/bees/notes.jpg"), "not an image")), s.skipped());
    }

    @Test
    void classLayoutSplitIsDeterministicPerSeed() {
        images(dir.resolve("cat"), 10);
        images(dir.resolve("dog"), 5);
        DatasetSplit a = ImageFolder.scan(dir, 0.2, 42);
        DatasetSplit b = ImageFolder.scan(dir, 0.2, 42);
        DatasetSplit c = ImageFolder.scan(dir, 0.2, 7);
        assertEquals(a, b);
        assertNotEquals(a.val(), c.val());
        assertEquals(a.val().size(), c.val().size());
    }

    @Test
    void classLayoutSplitIsStratifiedAndComplete() {
        images(dir.resolve("a"), 10);
        images(dir.resolve("b"), 5);
        images(dir.resolve("c"), 2);
        images(dir.resolve("d"), 1);
        DatasetSplit s = ImageFolder.scan(dir, 0.2, 3);
        assertEquals(List.of("a", "b", "c", "d"), s.classes());
        int[] val = new int[4];
        int[] train = new int[4];
        s.val().forEach(x -> val[x.label()]++);
        s.train().forEach(x -> train[x.label()]++);
        assertArrayEquals(new int[]{2, 1, 1, 0}, val, "round(n * 0.2), at least 1 if n >= 2");
        assertArrayEquals(new int[]{8, 4, 1, 1}, train);
        Set<Path> all = new HashSet<>();
        s.train().forEach(x -> all.add(x.path()));
        s.val().forEach(x -> assertTrue(all.add(x.path()), "in both train and val: " + x));
        assertEquals(18, all.size());
        // lists are in class, then path order
        assertEquals(s.val().stream().sorted((x, y) -> x.label() != y.label() ? x.label() - y.label()
                : x.path().compareTo(y.path())).toList(), s.val());
    }

    @Test
    void seedChangesWhichImagesGoToVal() {
        // across many seeds, every image of the class ends up in val at least once
        images(dir.resolve("a"), 6);
        Set<Path> seen = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) ImageFolder.scan(dir, 0.34, seed).val().forEach(x -> seen.add(x.path()));
        assertEquals(6, seen.size());
    }

    @Test
    void classesSortedByName() {
        images(dir.resolve("zebra"), 1);
        images(dir.resolve("Ant"), 1);
        images(dir.resolve("bee"), 1);
        assertEquals(List.of("Ant", "bee", "zebra"), ImageFolder.scan(dir, 0.2, 1).classes());
    }

    @Test
    void trainWithoutValIsSplit() {
        images(dir.resolve("train/a"), 4);
        images(dir.resolve("train/b"), 4);
        DatasetSplit s = ImageFolder.scan(dir, 0.25, 1);
        assertEquals(List.of("a", "b"), s.classes());
        assertEquals(2, s.val().size());
        assertEquals(6, s.train().size());
    }

    @Test
    void mismatchedClassesNamed() {
        images(dir.resolve("train/ants"), 1);
        images(dir.resolve("train/bees"), 1);
        images(dir.resolve("train/wasps"), 1);
        images(dir.resolve("val/ants"), 1);
        images(dir.resolve("val/bees"), 1);
        images(dir.resolve("val/flies"), 1);
        DataException e = assertThrows(DataException.class, () -> ImageFolder.scan(dir, 0.2, 1));
        assertTrue(e.getMessage().contains("missing in val: [wasps]"), e.getMessage());
        assertTrue(e.getMessage().contains("missing in train: [flies]"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void emptyClassFolder() throws Exception {
        images(dir.resolve("ants"), 2);
        Files.createDirectories(dir.resolve("bees"));
        DataException e = assertThrows(DataException.class, () -> ImageFolder.scan(dir, 0.2, 1));
        assertTrue(e.getMessage().startsWith(dir.resolve("bees") + ": class folder has no JPEG or PNG images"), e.getMessage());
        assertTrue(e.getMessage().contains("add images or remove the folder"), e.getMessage());
    }

    @Test
    void classWithOnlyGifsIsEmpty() {
        images(dir.resolve("ants"), 2);
        TestImages.writeBytes(dir.resolve("bees/a.gif"), TestImages.GIF);
        DataException e = assertThrows(DataException.class, () -> ImageFolder.scan(dir, 0.2, 1));
        assertTrue(e.getMessage().contains("1 other files skipped"), e.getMessage());
    }

    @Test
    void noClasses() throws Exception {
        TestImages.jpeg(dir.resolve("loose.jpg"), 0);
        Files.createDirectories(dir.resolve(".git"));
        DataException e = assertThrows(DataException.class, () -> ImageFolder.scan(dir, 0.2, 1));
        assertTrue(e.getMessage().startsWith(dir + ": no class folders"), e.getMessage());
        assertTrue(e.getMessage().contains("<dir>/<class>/"), e.getMessage());
    }

    @Test
    void missingFolder() {
        Path nowhere = dir.resolve("nowhere");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.scan(nowhere, 0.2, 1));
        assertEquals(nowhere + ": dataset folder does not exist", e.getMessage());
    }

    @Test
    void badValFraction() {
        images(dir.resolve("a"), 2);
        assertThrows(DataException.class, () -> ImageFolder.scan(dir, 1.0, 1));
        assertThrows(DataException.class, () -> ImageFolder.scan(dir, -0.1, 1));
        assertEquals(0, ImageFolder.scan(dir, 0.0, 1).val().size());
    }

    @Test
    void chooseValCounts() {
        assertEquals(0, count(ImageFolder.chooseVal(1, 0.5, 1)));
        assertEquals(1, count(ImageFolder.chooseVal(2, 0.1, 1)));
        assertEquals(1, count(ImageFolder.chooseVal(2, 0.9, 1)));
        assertEquals(3, count(ImageFolder.chooseVal(10, 0.25, 1)));
        assertEquals(0, count(ImageFolder.chooseVal(10, 0.0, 1)));
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) if (x) n++;
        return n;
    }
}
