package dev.tl.model;

import dev.tl.backbone.TinyCnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J M2.1 silently runs conv/BatchNorm/pooling on its slow built-in path unless the oneDNN natives, the
 * {@code org.nd4j.nativeblas.Nd4jCpu} shim and the helpers property are all in place. This fails if any
 * of the three goes missing (e.g. a POM change that brings back the generic natives).
 */
class FastPathTest {
    @Test
    void everyConvBatchNormAndPoolingLayerRunsOnOneDnn() {
        FastPath.enable();
        ComputationGraph g = TinyCnn.build(1);
        FastPath.Report r = FastPath.check(g);
        assertEquals(7, r.helperCapable(), r.toString());
        assertTrue(r.allFast(), r.toString());
    }

    @Test
    void theShimReportsOneDnnAsTheBindingDoes() {
        assertTrue(org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN(),
                "oneDNN natives not loaded: is the linux-x86_64-onednn classifier on the class path?");
    }
}
