package dev.tl.train;

import dev.tl.backbone.StageMap;
import dev.tl.backbone.TinyCnn;
import dev.tl.model.FastPath;
import dev.tl.model.GraphSurgery;
import dev.tl.model.HeadSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryEstimateTest {
    @Test
    void aTailStatesWhatItNeedsAndTheBatchThatFits() {
        FastPath.enable();
        ComputationGraph full = GraphSurgery.attachHead(TinyCnn.build(1), TinyCnn.SPEC, new HeadSpec(List.of(8), 0.2), 3, 1);
        StageMap stages = StageMap.of(full.getConfiguration(), TinyCnn.SPEC);
        String cut = GraphSurgery.boundary(full, stages, "stage1");
        ComputationGraph tail = GraphSurgery.tail(full, stages, cut, new GraphSurgery.TrainSettings(Adam::new, 1e-3, Map.of(), true, 0));
        long[] shape = full.output(List.of(cut), false, new org.nd4j.linalg.api.ndarray.INDArray[]{
                org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 32, 32, 3)}, null)[0].shape();
        MemoryEstimate small = MemoryEstimate.of(tail, shape, 4);
        MemoryEstimate large = MemoryEstimate.of(tail, shape, 64);
        assertTrue(small.bytesAtBatch() > 0, small.toString());
        assertTrue(large.bytesAtBatch() > small.bytesAtBatch(), "more images need more memory: " + small + " vs " + large);
        assertTrue(small.fits() && small.maxBatch() >= 4, small.toString());
        assertTrue(small.availableBytes() < org.bytedeco.javacpp.Pointer.maxPhysicalBytes(), "resident size is subtracted: " + small);

        StringWriter sw = new StringWriter();
        new Listeners.Progress(new PrintWriter(sw), 1).onMemoryEstimate(null, small, null);
        assertTrue(sw.toString().contains("at batch 4; up to batch " + small.maxBatch() + " fits"), sw.toString());
    }
}
