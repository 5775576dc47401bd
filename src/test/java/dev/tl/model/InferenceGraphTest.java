package dev.tl.model;

import dev.tl.backbone.TinyCnn;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceGraphTest {
    @BeforeAll
    static void fastPath() {
        FastPath.enable();
    }

    /** TinyCnn (BatchNorm storing log10 std) with non-trivial BatchNorm statistics and conv biases, so that folding is exercised. */
    private static ComputationGraph model() {
        ComputationGraph g = TinyCnn.build(5);
        Nd4j.getRandom().setSeed(11);
        for (String bn : List.of("stem_bn", "s1_bn", "s2_bn")) {
            var l = g.getLayer(bn);
            long[] shape = l.getParam("mean").shape();
            l.setParam("mean", Nd4j.rand(DataType.FLOAT, shape).subi(0.5));
            INDArray var = Nd4j.rand(DataType.FLOAT, shape).addi(0.5);
            // TinyCnn's BatchNorm keeps log10 of the std (DL4J's default), which the fold must read as such
            l.setParam("log10stdev", org.nd4j.linalg.ops.transforms.Transforms.log(var, 10.0).muli(0.5));
            l.setParam("gamma", Nd4j.rand(DataType.FLOAT, shape).addi(0.5));
            l.setParam("beta", Nd4j.rand(DataType.FLOAT, shape).subi(0.5));
        }
        for (String c : List.of("stem_conv", "s1_conv", "s2_conv")) {
            var l = g.getLayer(c);
            l.setParam("b", Nd4j.rand(DataType.FLOAT, l.getParam("b").shape()).subi(0.5));
        }
        return g;
    }

    @Test
    void foldedFeaturesEqualTheGraphsOwn() {
        ComputationGraph g = model();
        INDArray before = g.params().dup();
        InferenceGraph.Folded f = InferenceGraph.of(g, TinyCnn.SPEC.featureVertex());
        assertEquals(3, f.foldedBatchNorms());
        assertEquals(3, f.fusedActivations());
        var kept = f.graph().getConfiguration().getVertices().keySet();
        assertEquals(List.of("stem_conv", "stem_pool", "s1_conv", "s2_conv", "avg_pool"), List.copyOf(kept));
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 32, 32, 3).muli(2).subi(1);
        INDArray want = g.output(List.of("avg_pool"), false, new INDArray[]{x}, null)[0];
        INDArray got = InferenceGraph.output(f, x);
        assertTrue(want.equalsWithEps(got, 1e-5), "folded features differ: " + want + " vs " + got);
        assertEquals(before, g.params(), "the source graph is untouched");
        assertTrue(FastPath.check(f.graph()).allFast(), FastPath.check(f.graph()).toString());
    }

    @Test
    void aCutInsideTheNetworkKeepsItsVertexAndValue() {
        ComputationGraph g = model();
        // the cut itself is an activation after a BN: the BN folds, the activation stays, being the output
        for (String cut : List.of("stem_pool", "s1_relu", "s1_bn")) {
            InferenceGraph.Folded f = InferenceGraph.of(g, cut);
            assertTrue(f.graph().getConfiguration().getVertices().containsKey(cut), cut);
            assertFalse(f.graph().getConfiguration().getVertices().containsKey("s2_conv"), "nothing downstream of " + cut);
            INDArray x = Nd4j.rand(DataType.FLOAT, 2, 32, 32, 3);
            INDArray want = g.output(List.of(cut), false, new INDArray[]{x}, null)[0];
            assertTrue(want.equalsWithEps(InferenceGraph.output(f, x), 1e-5), cut);
        }
    }

    /** Concatenated NHWC branches (SqueezeNet's fire modules) keep their channel axis through the copies. */
    @Test
    void mergedBranchesKeepTheirAxis() {
        CNN2DFormat f = CNN2DFormat.NHWC;
        var conf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 3, f))
                .addLayer("a", new ConvolutionLayer.Builder(1, 1).nOut(4).dataFormat(f).activation(Activation.IDENTITY).build(), "in")
                .addLayer("a_relu", new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU), "a")
                .addLayer("b", new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(f).convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("b_relu", new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU), "b")
                .addVertex("concat", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "a_relu", "b_relu")
                .addLayer("c", new ConvolutionLayer.Builder(1, 1).nOut(5).dataFormat(f).activation(Activation.IDENTITY).build(), "concat")
                .setOutputs("c").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        InferenceGraph.Folded folded = InferenceGraph.of(g, "c");
        assertEquals(2, folded.fusedActivations());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 8, 8, 3).subi(0.5);
        assertTrue(g.outputSingle(false, x).equalsWithEps(InferenceGraph.output(folded, x), 1e-6));
        // the configuration copy GraphSurgery.tail builds on
        ComputationGraph copy = new ComputationGraph(GraphSurgery.cloneConfiguration(g.getConfiguration()));
        copy.init(g.params().dup(), false);
        assertEquals(g.outputSingle(false, x), copy.outputSingle(false, x));
    }

    /**
     * Why ReLU is fused into the convolution and never into the BatchNorm: DL4J M2.1's BatchNormalization
     * ignores its configured activation. Should a DL4J upgrade change this, the test says so.
     */
    @Test
    void dl4jBatchNormIgnoresItsActivation() {
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(3, 3, 4, CNN2DFormat.NHWC))
                .addLayer("bn", new BatchNormalization.Builder().activation(Activation.RELU).build(), "in")
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nOut(4).activation(Activation.RELU).build(), "in")
                .setOutputs("bn", "conv").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        INDArray[] out = g.output(false, Nd4j.rand(DataType.FLOAT, 2, 3, 3, 4).subi(0.5));
        assertTrue(out[0].minNumber().doubleValue() < 0, "BatchNormalization now applies its activation");
        assertTrue(out[1].minNumber().doubleValue() >= 0, "ConvolutionLayer applies its activation");
    }
}
