package dev.tl.bench;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;
import dev.tl.backbone.ModelCache;
import dev.tl.backbone.TestEnv;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The FLOP counter on the imported Keras ResNet50 gives the published 7.72 GFLOP (3.86 GMAC; Keras strides
 * the 1x1 convolution of each down-sampling block), which the bench's "fraction of FP32 peak" rests on.
 */
@Tag("slow")
class ResNet50FlopsTest {
    @Test
    void kerasResNet50Is772Gflop() {
        TestEnv.init();
        BackboneSpec spec = Backbones.get("resnet50");
        ModelCache cache = new ModelCache(TestEnv.modelsRoot(), TestEnv.log());
        Assumptions.assumeTrue(cache.isCached(spec), "resnet50 not in the test model cache " + TestEnv.modelsRoot() + "; skipping");
        ComputationGraph g = cache.load(spec);
        long flops = FlopCounter.forwardFlops(g, InputType.convolutional(224, 224, 3, CNN2DFormat.NHWC));
        assertEquals(7.72e9, flops, 0.01e9, "FLOPs: " + flops);
    }
}
