package dev.tl.bench;

import java.util.Locale;

/** The human-readable rendering of a {@link Bench.Report}: one block per backbone, medians with min..max. */
public final class BenchTable {
    private BenchTable() {}

    public static String render(Bench.Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "FP32 peak (ND4J %dx%d mmul, %d cpus): %s GFLOPS%n",
                r.matmulSize(), r.matmulSize(), r.cpus(), r.matmulGflops().format("%.1f")));
        for (Bench.BackboneResult b : r.backbones()) {
            sb.append(String.format(Locale.ROOT, "%n%s  (%,d parameters, %s/image forward; %s)%n",
                    b.backbone(), b.parameters(), b.gflopPerImage() >= 0.1 ? String.format(Locale.ROOT, "%.2f GFLOP", b.gflopPerImage())
                            : String.format(Locale.ROOT, "%.3f MFLOP", b.gflopPerImage() * 1e3), b.fastPath()));
            sb.append(String.format(Locale.ROOT, "  %-44s %s%n", "figure", "images/s: median (min..max)"));
            row(sb, "inference, batch 1", b.inferenceBatch1());
            for (Bench.BatchFigure f : b.inferenceBatched()) {
                row(sb, "inference, batch " + f.batch() + (f.batch() == b.bestBatch() ? " (best)" : ""), f.imagesPerSecond());
            }
            row(sb, "feature extraction, batch " + b.bestBatch(), b.featureExtraction());
            row(sb, "train head on cached features, batch " + b.trainBatch(), b.trainHeadOnCachedFeatures());
            row(sb, "train head + frozen backbone, batch " + b.trainBatch(), b.trainHeadFrozenBackbone());
            row(sb, "train whole network, batch " + b.trainBatch(), b.trainFull());
            sb.append(String.format(Locale.ROOT, "  forward pass at best batch: %.1f%% of the FP32 peak%n", 100 * b.fractionOfFp32Peak()));
            MemorySampler.Peaks m = b.peakMemory();
            sb.append(String.format(Locale.ROOT, "  peak memory: heap %s, off-heap (ND4J) %s, resident %s%n",
                    mib(m.heapBytes()), mib(m.offHeapBytes()), mib(m.physicalBytes())));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Stats s) {
        sb.append(String.format(Locale.ROOT, "  %-44s %s%n", name, s.format(s.median() >= 100 ? "%.0f" : "%.2f")));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
