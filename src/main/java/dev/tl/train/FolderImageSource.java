package dev.tl.train;

import dev.tl.data.Augment;
import dev.tl.data.ContentHashes;
import dev.tl.data.DataException;
import dev.tl.data.ImageDecoder;
import dev.tl.data.ImageTransform;
import dev.tl.data.Sample;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Images of a dataset split, decoded and transformed on background threads. {@link #prefetch} lets the
 * trainer ask for the next batch while the network works on the current one, so decoding overlaps compute.
 * View {@code v > 0} is an augmentation whose randomness is seeded by (seed, image, view) only, so the
 * same view of the same image is the same pixels in every run and on every resume.
 */
public final class FolderImageSource implements ImageSource, AutoCloseable {
    private final List<Sample> samples;
    private final ImageTransform transform;
    private final Augment augment;
    private final long seed;
    private final ExecutorService pool;
    private final Map<Long, Future<float[]>> pending = new ConcurrentHashMap<>();
    private final ContentHashes hashes;
    private long waitNanos;

    public FolderImageSource(List<Sample> samples, ImageTransform transform, Augment augment, long seed, int workers) {
        this(samples, transform, augment, seed, workers, new ContentHashes());
    }

    /** As above, with content hashes shared with the run's other steps (the dataset is then read once). */
    public FolderImageSource(List<Sample> samples, ImageTransform transform, Augment augment, long seed, int workers,
                             ContentHashes hashes) {
        this.samples = List.copyOf(samples);
        this.transform = transform;
        this.augment = augment;
        this.seed = seed;
        this.pool = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "tl-decode");
            t.setDaemon(true);
            return t;
        });
        this.hashes = hashes;
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public int label(int index) {
        return samples.get(index).label();
    }

    public Sample sample(int index) {
        return samples.get(index);
    }

    /** SHA-256 of the file's bytes, computed once. */
    @Override
    public String contentId(int index) {
        return hashes.of(samples.get(index).path());
    }

    private static long key(int index, int view) {
        return ((long) view << 32) | (index & 0xffffffffL);
    }

    @Override
    public void prefetch(int[] indices, int view) {
        for (int i : indices) pending.computeIfAbsent(key(i, view), k -> pool.submit(() -> load(i, view)));
    }

    private float[] load(int index, int view) {
        BufferedImage img = ImageDecoder.read(samples.get(index).path());
        if (view == 0) return transform.eval(img);
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + index * 1_000_003L + view);
        return transform.augment(img, augment, rnd);
    }

    @Override
    public INDArray images(int[] indices, int view) {
        prefetch(indices, view);
        int n = transform.sampleSize();
        float[] out = new float[indices.length * n];
        long t0 = System.nanoTime();
        for (int k = 0; k < indices.length; k++) {
            Future<float[]> f = pending.remove(key(indices[k], view));
            try {
                System.arraycopy(f.get(), 0, out, k * n, n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException("interrupted while loading images");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new DataException(samples.get(indices[k]).path() + ": " + e.getCause(), e.getCause());
            }
        }
        waitNanos += System.nanoTime() - t0;
        return Nd4j.create(out, transform.preprocessing().batchShape(indices.length), 'c');
    }

    @Override
    public long waitNanos() {
        return waitNanos;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
