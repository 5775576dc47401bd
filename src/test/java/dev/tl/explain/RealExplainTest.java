package dev.tl.explain;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;
import dev.tl.backbone.ModelCache;
import dev.tl.backbone.Preprocessing;
import dev.tl.backbone.TestEnv;
import dev.tl.data.ImageDecoder;
import dev.tl.data.ImageTransform;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grad-CAM on the real ResNet50 with its ImageNet top, and the feature map found for the cached backbones. */
@Tag("slow")
class RealExplainTest {
    static {
        TestEnv.init();
    }

    /** dog.jpg: a malamute sitting in the left third, a bicycle and a car to its right. */
    @Test
    void resnet50GradCamOfTheDogLiesOnTheDog() throws Exception {
        ModelCache cache = new ModelCache(TestEnv.modelsRoot(), TestEnv.log());
        if (!cache.isCached(Backbones.get("resnet50"))) cache.pull(Backbones.get("resnet50"), null);
        Classifier c = Classifier.load("resnet50", cache);
        Preprocessing p = c.preprocessing();
        INDArray x = Nd4j.create(new ImageTransform(p).eval(ImageDecoder.read(TestEnv.sharedFile("images/dog.jpg"))), p.batchShape(1), 'c');
        int cls = c.graph().outputSingle(false, x).argMax(1).getInt(0);
        assertEquals("malamute", c.classes().get(cls));
        GradCam cam = new GradCam(c.graph(), c.spec());
        GradCam.Result r = cam.map(x, cls);
        assertEquals(7, r.height());
        double[] heat = GradCam.upsample(r.cam(), 224, 224);
        int peak = 0;
        double left = 0, total = 0;
        for (int i = 0; i < heat.length; i++) {
            if (heat[i] > heat[peak]) peak = i;
            total += heat[i];
            if (i % 224 < 112) left += heat[i];
        }
        int py = peak / 224, px = peak % 224;
        String at = "peak at (" + px + ", " + py + "), left-half mass " + left / total;
        System.out.println(at);
        assertTrue(px < 112 && py > 56 && py < 200, at);
        assertTrue(left / total > 0.6, at);
        double[] sal = new Saliency(c.graph(), p).map(Pixels.fromInput(x, p), cls);
        double salLeft = 0, salTotal = 0;
        for (int i = 0; i < sal.length; i++) {
            salTotal += sal[i];
            if (i % 224 < 112) salLeft += sal[i];
        }
        assertTrue(salLeft / salTotal > 0.5, "saliency left-half mass " + salLeft / salTotal);
    }

    /** The vertex Grad-CAM explains is a spatial map for each backbone in the local cache (VGG16: not cached here). */
    @Test
    void featureMapOfEveryCachedBackbone() {
        ModelCache cache = new ModelCache(TestEnv.modelsRoot(), TestEnv.log());
        Map<String, String> expected = Map.of("resnet50", "activation_48", "mobilenet_v1_075", "conv_pw_13_relu",
                "squeezenet_v11", "fire9/concat", "tiny", "s2_relu");
        for (BackboneSpec spec : Backbones.all()) {
            if (!spec.source().kind().equals("random") && !cache.isCached(spec)) {
                System.out.println(spec.name() + ": not cached, skipped");
                continue;
            }
            ComputationGraph g = cache.load(spec);
            String v = GradCam.featureMapVertex(g, spec.featureVertex());
            System.out.println(spec.name() + ": " + v);
            Preprocessing p = spec.preprocessing();
            InputType t = g.getConfiguration().getLayerActivationTypes(InputType.convolutional(p.height(), p.width(), 3,
                    p.channelsLast() ? org.deeplearning4j.nn.conf.CNN2DFormat.NHWC : org.deeplearning4j.nn.conf.CNN2DFormat.NCHW)).get(v);
            InputType.InputTypeConvolutional conv = assertInstanceOf(InputType.InputTypeConvolutional.class, t, spec.name() + " " + v);
            assertTrue(conv.getHeight() > 1 && conv.getWidth() > 1, spec.name() + " " + conv);
            if (expected.containsKey(spec.name())) assertEquals(expected.get(spec.name()), v, spec.name());
        }
    }
}
