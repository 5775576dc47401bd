package dev.tl.explain;

import dev.tl.backbone.Backbones;
import dev.tl.backbone.ModelCache;
import dev.tl.backbone.TestEnv;
import dev.tl.backbone.TestImages;
import dev.tl.model.ClassObjective.Score;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real ResNet50 with its ImageNet top as a {@link Classifier}, and its input gradient. */
@Tag("slow")
class RealClassifierTest {
    static {
        TestEnv.init();
    }

    @Test
    void resnet50WithImageNetTopLabelsTheEagleAndHasAFiniteInputGradient() throws Exception {
        ModelCache cache = new ModelCache(TestEnv.modelsRoot(), TestEnv.log());
        if (!cache.isCached(Backbones.get("resnet50"))) cache.pull(Backbones.get("resnet50"), null);
        Classifier c = Classifier.load("resnet50", cache);
        assertEquals(1000, c.classes().size());
        float[] eagle = TestImages.load(TestEnv.sharedFile("images/eagle.jpg"), c.preprocessing());
        INDArray x = TestImages.nhwc(eagle, c.preprocessing());
        INDArray p = c.graph().outputSingle(false, x);
        assertEquals(22, p.argMax(1).getInt(0));
        assertEquals(0.796, p.getDouble(0, 22), 0.02);
        InputGradients ig = InputGradients.of(c.graph());
        InputGradients.Result r = ig.gradient(x, new int[]{22}, Score.LOG_PROB);
        assertEquals(0.796, r.probabilities().getDouble(0, 22), 0.02, "probability from the gradient pass");
        double n = r.gradient().norm2Number().doubleValue();
        assertTrue(n > 0 && Double.isFinite(n), "gradient norm " + n);
    }
}
