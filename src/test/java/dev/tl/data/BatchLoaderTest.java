package dev.tl.data;

import dev.tl.backbone.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.*;

class BatchLoaderTest {
    @TempDir
    Path dir;

    private static final Preprocessing RAW_NCHW = new Preprocessing(4, 4, 4, "RGB", 1f, new float[]{0, 0, 0}, new float[]{1, 1, 1}, false);
    private static final Preprocessing RAW_NHWC = new Preprocessing(4, 4, 4, "RGB", 1f, new float[]{0, 0, 0}, new float[]{1, 1, 1}, true);

    /** n PNGs; sample i is solid red 10*i, label i % 3. */
    private List<Sample> samples(int n) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path f = TestImages.write(TestImages.solid(6, 4, (10 * i) << 16), "png", dir.resolve("s" + i + ".png"));
            out.add(new Sample(f, i % 3));
        }
        return out;
    }

    private static List<Thread> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive()).toList();
    }

    @Test
    void batchesInOrderWithOneHotLabels() {
        List<Sample> s = samples(7);
        List<BatchLoader.Batch> batches = new ArrayList<>();
        try (BatchLoader l = new BatchLoader(s, 3, 3, new ImageTransform(RAW_NCHW), Augment.NONE, 1)) {
            assertEquals(3, l.numBatches());
            while (l.hasNext()) batches.add(l.next());
            assertThrows(NoSuchElementException.class, l::next);
            assertEquals(List.of(), l.skipped());
        }
        assertEquals(3, batches.size());
        assertEquals(s.subList(0, 3), batches.get(0).samples());
        assertEquals(s.subList(3, 6), batches.get(1).samples());
        assertEquals(s.subList(6, 7), batches.get(2).samples());
        for (int b = 0; b < 3; b++) {
            BatchLoader.Batch batch = batches.get(b);
            int n = batch.size();
            assertArrayEquals(new long[]{n, 3, 4, 4}, batch.features().shape());
            assertArrayEquals(new long[]{n, 3}, batch.labels().shape());
            for (int j = 0; j < n; j++) {
                int i = b * 3 + j;
                assertEquals(10 * i, batch.features().getFloat(j, 0, 2, 1), 1e-3, "red of sample " + i);
                assertEquals(0, batch.features().getFloat(j, 1, 2, 1), 1e-3);
                assertEquals(i % 3, batch.labelIdx()[j]);
                for (int c = 0; c < 3; c++) assertEquals(c == i % 3 ? 1f : 0f, batch.labels().getFloat(j, c), "sample " + i + " class " + c);
            }
        }
    }

    @Test
    void nhwcShape() {
        try (BatchLoader l = new BatchLoader(samples(2), 3, 8, new ImageTransform(RAW_NHWC), Augment.NONE, 1)) {
            BatchLoader.Batch b = l.next();
            assertArrayEquals(new long[]{2, 4, 4, 3}, b.features().shape());
            assertEquals(10, b.features().getFloat(1, 3, 3, 0), 1e-3);
            assertFalse(l.hasNext());
        }
    }

    @Test
    void badFilesDroppedAndReported() {
        List<Sample> s = new ArrayList<>(samples(6));
        Path junk = TestImages.writeBytes(dir.resolve("junk.png"), "not a png".getBytes());
        Path gif = TestImages.writeBytes(dir.resolve("x.jpg"), TestImages.GIF);
        s.add(4, new Sample(junk, 1));             // batch 1 (samples 3..5): 3, junk, 4
        s.add(6, new Sample(gif, 2));              // batch 2 (samples 6..8): gif, 5
        s.add(6, new Sample(junk, 0));             //   -> junk, gif, 5
        List<List<Sample>> got = new ArrayList<>();
        try (BatchLoader l = new BatchLoader(s, 3, 3, new ImageTransform(RAW_NCHW), Augment.NONE, 1, 2, 2)) {
            while (l.hasNext()) got.add(l.next().samples());
            assertEquals(List.of(new Skipped(junk, "not an image"), new Skipped(junk, "not an image"),
                    new Skipped(gif, "GIF image; only JPEG and PNG are read")), l.skipped());
        }
        assertEquals(List.of(s.subList(0, 3), List.of(s.get(3), s.get(5)), List.of(s.get(8))), got);
    }

    @Test
    void batchOfOnlyBadFilesIsSkipped() {
        List<Sample> s = new ArrayList<>(samples(2));
        Path junk = TestImages.writeBytes(dir.resolve("junk.jpg"), new byte[]{1, 2, 3});
        s.add(0, new Sample(junk, 0));
        s.add(0, new Sample(junk, 0));
        try (BatchLoader l = new BatchLoader(s, 3, 2, new ImageTransform(RAW_NCHW), Augment.NONE, 1)) {
            assertTrue(l.hasNext());
            assertEquals(s.subList(2, 4), l.next().samples());
            assertFalse(l.hasNext());
            assertEquals(2, l.skipped().size());
        }
    }

    @Test
    void waitTimeRecorded() {
        List<Sample> s = samples(4);
        BatchLoader.SampleLoader slow = (x, rnd) -> {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new float[48];
        };
        try (BatchLoader l = new BatchLoader(s, 3, 2, new ImageTransform(RAW_NCHW), 1, 1, 2, slow)) {
            int n = 0;
            while (l.hasNext()) n += l.next().size();
            assertEquals(4, n);
            // one thread, 4 x 25 ms of loading, consumer does nothing: it waits nearly all of it
            assertTrue(l.waitNanos() >= 80_000_000L, "waited " + l.waitNanos() / 1e6 + " ms");
        }
    }

    @Test
    void workerFailureSurfaces() {
        List<Sample> s = samples(5);
        BatchLoader.SampleLoader failing = (x, rnd) -> {
            if (x.equals(s.get(3))) throw new IllegalStateException("boom at 3");
            return new float[48];
        };
        try (BatchLoader l = new BatchLoader(s, 3, 2, new ImageTransform(RAW_NCHW), 1, 2, 2, failing)) {
            assertEquals(2, l.next().size());
            IllegalStateException e = assertThrows(IllegalStateException.class, l::next);
            assertEquals("boom at 3", e.getMessage());
        }
    }

    @Test
    void closeStopsThreads() {
        List<Sample> s = samples(6);
        BatchLoader.SampleLoader slow = (x, rnd) -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
            return new float[48];
        };
        BatchLoader l = new BatchLoader(s, 3, 2, new ImageTransform(RAW_NCHW), 1, 2, 2, slow);
        String prefix = l.threadPrefix();
        long t0 = System.nanoTime();
        while (threads(prefix).size() < 2 && System.nanoTime() - t0 < 2_000_000_000L) Thread.onSpinWait();
        assertEquals(2, threads(prefix).size(), "two workers running");
        l.close();
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "close interrupts the workers");
        assertEquals(List.of(), threads(prefix));
        assertFalse(l.hasNext());
        l.close(); // idempotent
    }

    @Test
    void augmentationIndependentOfThreads() {
        List<Sample> s = new ArrayList<>();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 5; i++) {
            java.awt.image.BufferedImage img = TestImages.solid(12, 9, 0);
            for (int y = 0; y < 9; y++) for (int x = 0; x < 12; x++) img.setRGB(x, y, r.nextInt(0x1000000));
            s.add(new Sample(TestImages.write(img, "png", dir.resolve("n" + i + ".png")), i % 3));
        }
        ImageTransform t = new ImageTransform(RAW_NHWC);
        Augment a = new Augment(true, 0.35);
        try (BatchLoader one = new BatchLoader(s, 3, 2, t, a, 99, 1, 1);
             BatchLoader two = new BatchLoader(s, 3, 2, t, a, 99, 2, 3);
             BatchLoader other = new BatchLoader(s, 3, 2, t, a, 98, 2, 3)) {
            boolean differs = false;
            while (one.hasNext()) {
                BatchLoader.Batch b1 = one.next();
                assertEquals(b1.features(), two.next().features());
                differs |= !b1.features().equals(other.next().features());
            }
            assertFalse(two.hasNext());
            assertTrue(differs, "another seed gives other crops");
        }
    }

    @Test
    void shuffledIsDeterministic() {
        List<Sample> s = samples(10);
        assertEquals(BatchLoader.shuffled(s, 3), BatchLoader.shuffled(s, 3));
        assertNotEquals(BatchLoader.shuffled(s, 3), BatchLoader.shuffled(s, 4));
        assertNotEquals(s, BatchLoader.shuffled(s, 3));
        assertEquals(new java.util.HashSet<>(s), new java.util.HashSet<>(BatchLoader.shuffled(s, 3)));
    }

    @Test
    void badLabelRejected() {
        List<Sample> s = List.of(new Sample(dir.resolve("a.png"), 3));
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(s, 3, 2, new ImageTransform(RAW_NCHW), Augment.NONE, 1));
    }
}
