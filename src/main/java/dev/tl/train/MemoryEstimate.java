package dev.tl.train;

import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.deeplearning4j.nn.conf.memory.NetworkMemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What one training step of a tail needs in native memory, from DL4J's own memory report, and the largest
 * batch size that fits in what is left: so a run states the batch size it can hold before it starts
 * instead of dying in a native allocation half-way through.
 *
 * @param bytesAtBatch   estimated bytes of a training step at {@code batch} (parameters, updater state,
 *                       activations and working memory)
 * @param batch          the configured batch size
 * @param maxBatch       the largest batch size, doubling from 1, whose step fits; 0 if none does
 * @param availableBytes memory left before the process reaches JavaCPP's limit on its resident size
 *                       ({@code org.bytedeco.javacpp.maxphysicalbytes}, which the {@code ./tl} launcher sets),
 *                       measured as that limit minus the current resident size: ND4J's own allocations are
 *                       not all tracked by JavaCPP's byte counters, the resident size sees them all
 */
public record MemoryEstimate(long bytesAtBatch, int batch, int maxBatch, long availableBytes) {

    /** Null when the graph's layers cannot report their memory; the caller then says so. */
    public static MemoryEstimate of(ComputationGraph tail, long[] sampleShape, int batch) {
        InputType in = sampleShape.length == 4
                ? InputType.convolutional(sampleShape[1], sampleShape[2], sampleShape[3], CNN2DFormat.NHWC)
                : InputType.feedForward(sampleShape[sampleShape.length - 1]);
        NetworkMemoryReport report = tail.getConfiguration().getMemoryReport(in);
        long limit = Pointer.maxPhysicalBytes() > 0 ? Pointer.maxPhysicalBytes() : Runtime.getRuntime().maxMemory() + Pointer.maxBytes();
        long available = Math.max(0, limit - Pointer.physicalBytes());
        long atBatch = bytes(report, batch);
        int max = 0;
        for (int b = 1; b <= 1 << 16; b *= 2) {
            if (bytes(report, b) > available) break;
            max = b;
        }
        return new MemoryEstimate(atBatch, batch, max, available);
    }

    private static long bytes(NetworkMemoryReport r, int batch) {
        return r.getTotalMemoryBytes(batch, MemoryUseMode.TRAINING, CacheMode.NONE, DataType.FLOAT);
    }

    public boolean fits() {
        return bytesAtBatch <= availableBytes;
    }
}
