package dev.tl.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads samples as batches, in the order given, decoding and transforming on a small thread pool ahead of
 * the consumer. Up to {@code prefetch} batches are in flight at a time (each on one worker thread), so memory
 * is bounded. Batch {@code b} always holds samples {@code [b*batchSize, (b+1)*batchSize)} of the list, minus
 * those that fail to decode: these are dropped and listed in {@link #skipped()}, in sample order. A batch in
 * which every sample fails is skipped entirely.
 *
 * <p>Augmentation randomness comes from a per-sample {@link Random} seeded from {@code (seed, index)}, so the
 * result does not depend on thread scheduling. Any other failure in a worker (a bug, out of memory) is thrown
 * from {@link #hasNext()}/{@link #next()} as it was: a RuntimeException or Error unchanged, anything else
 * wrapped in a {@link DataException}. {@link #close()} stops the workers and waits for them.
 *
 * <p>Not thread-safe: one consumer thread.
 */
public final class BatchLoader implements Iterator<BatchLoader.Batch>, AutoCloseable {

    /**
     * One batch. {@code features}: {@code p.batchShape(n)}; {@code labels}: one-hot float [n, numClasses];
     * {@code labelIdx}: the class of each row; {@code samples}: the samples of the rows.
     */
    public record Batch(INDArray features, INDArray labels, int[] labelIdx, List<Sample> samples) {
        public int size() {
            return samples.size();
        }
    }

    /** Loads one sample into its normalized float tensor; may throw {@link UnreadableImageException}. */
    @FunctionalInterface
    interface SampleLoader {
        float[] load(Sample s, Random rnd);
    }

    private record Loaded(Batch batch, List<Skipped> skipped) {}

    private final List<Sample> samples;
    private final int numClasses;
    private final int batchSize;
    private final long seed;
    private final ImageTransform transform;
    private final SampleLoader loader;
    private final ExecutorService pool;
    private final String threadPrefix;
    private final int prefetch;
    private final ArrayDeque<Future<Loaded>> inFlight = new ArrayDeque<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private int nextToSubmit;
    private final int numBatches;
    private Batch ready;
    private long waitNanos;
    private boolean closed;

    /** 2 worker threads (1 on a single-core machine), 2 batches prefetched. */
    public BatchLoader(List<Sample> samples, int numClasses, int batchSize, ImageTransform transform, Augment augment, long seed) {
        this(samples, numClasses, batchSize, transform, augment, seed, Math.min(2, Runtime.getRuntime().availableProcessors()), 2);
    }

    public BatchLoader(List<Sample> samples, int numClasses, int batchSize, ImageTransform transform, Augment augment,
                       long seed, int threads, int prefetch) {
        this(samples, numClasses, batchSize, transform, seed, threads, prefetch,
                (s, rnd) -> transform.augment(ImageDecoder.read(s.path()), augment, rnd));
    }

    BatchLoader(List<Sample> samples, int numClasses, int batchSize, ImageTransform transform, long seed,
                int threads, int prefetch, SampleLoader loader) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (threads <= 0 || prefetch <= 0) throw new IllegalArgumentException("threads and prefetch must be positive");
        if (numClasses <= 0) throw new IllegalArgumentException("numClasses must be positive");
        for (Sample s : samples) {
            if (s.label() < 0 || s.label() >= numClasses) {
                throw new IllegalArgumentException(s.path() + ": label " + s.label() + " outside 0.." + (numClasses - 1));
            }
        }
        this.samples = List.copyOf(samples);
        this.numClasses = numClasses;
        this.batchSize = batchSize;
        this.seed = seed;
        this.transform = transform;
        this.loader = loader;
        this.prefetch = prefetch;
        this.numBatches = (this.samples.size() + batchSize - 1) / batchSize;
        this.threadPrefix = "tl-data-" + Integer.toHexString(System.identityHashCode(this)) + "-";
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(threads, tf);
        fill();
    }

    /** A copy of {@code samples} in a random order that depends only on {@code seed}. */
    public static List<Sample> shuffled(List<Sample> samples, long seed) {
        List<Sample> out = new ArrayList<>(samples);
        Random rnd = new Random(seed);
        for (int i = out.size() - 1; i > 0; i--) Collections.swap(out, i, rnd.nextInt(i + 1));
        return out;
    }

    /** Number of batches if no sample fails. */
    public int numBatches() {
        return numBatches;
    }

    /** Total time the consumer has spent blocked waiting for data in hasNext()/next(). */
    public long waitNanos() {
        return waitNanos;
    }

    /** Samples that failed to load so far, in sample order. */
    public List<Skipped> skipped() {
        return List.copyOf(skipped);
    }

    /** Prefix of this loader's worker thread names (for diagnostics and tests). */
    String threadPrefix() {
        return threadPrefix;
    }

    @Override
    public boolean hasNext() {
        if (closed) return false;
        while (ready == null && !inFlight.isEmpty()) {
            Loaded l = take(inFlight.poll());
            skipped.addAll(l.skipped());
            fill();
            if (l.batch() != null) ready = l.batch();
        }
        return ready != null;
    }

    @Override
    public Batch next() {
        if (!hasNext()) throw new NoSuchElementException(closed ? "loader is closed" : "no more batches");
        Batch b = ready;
        ready = null;
        return b;
    }

    /** Cancels pending work and stops the worker threads (waits up to 10 s for a running decode to end). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ready = null;
        for (Future<Loaded> f : inFlight) f.cancel(true);
        inFlight.clear();
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new DataException("data loader threads did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fill() {
        while (inFlight.size() < prefetch && nextToSubmit < numBatches) {
            int b = nextToSubmit++;
            inFlight.add(pool.submit(() -> load(b)));
        }
    }

    private Loaded take(Future<Loaded> f) {
        long t0 = System.nanoTime();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while waiting for data", e);
        } catch (CancellationException e) {
            throw new DataException("data loading was cancelled", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error err) throw err;
            throw new DataException("data loading failed: " + c, c);
        } finally {
            waitNanos += System.nanoTime() - t0;
        }
    }

    private Loaded load(int b) {
        int from = b * batchSize;
        int to = Math.min(from + batchSize, samples.size());
        int size = transform.sampleSize();
        List<Sample> ok = new ArrayList<>(to - from);
        List<float[]> data = new ArrayList<>(to - from);
        List<Skipped> bad = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (Thread.currentThread().isInterrupted()) throw new CancellationException();
            Sample s = samples.get(i);
            try {
                float[] x = loader.load(s, new Random(sampleSeed(seed, i)));
                if (x.length != size) throw new IllegalStateException("sample tensor has " + x.length + " values, expected " + size);
                data.add(x);
                ok.add(s);
            } catch (UnreadableImageException e) {
                bad.add(new Skipped(s.path(), e.reason()));
            }
        }
        if (ok.isEmpty()) return new Loaded(null, bad);
        int n = ok.size();
        float[] features = new float[n * size];
        float[] labels = new float[n * numClasses];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(data.get(i), 0, features, i * size, size);
            idx[i] = ok.get(i).label();
            labels[i * numClasses + idx[i]] = 1f;
        }
        INDArray f = Nd4j.create(features, transform.preprocessing().batchShape(n));
        INDArray l = Nd4j.create(labels, new long[]{n, numClasses});
        return new Loaded(new Batch(f, l, idx, List.copyOf(ok)), bad);
    }

    /** SplitMix64 of (seed, index): independent, well-mixed seeds for the per-sample generators. */
    static long sampleSeed(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
