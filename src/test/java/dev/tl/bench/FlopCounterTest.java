package dev.tl.bench;

import dev.tl.backbone.TinyCnn;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The FLOP counter against sums done by hand (2 x multiply-adds of conv and dense layers only). */
class FlopCounterTest {
    @Test
    void handComputedGraph() {
        CNN2DFormat f = CNN2DFormat.NHWC;
        var conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 3, f))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(f).convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().dataFormat(f).build(), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder(1, 1).stride(2, 2).nOut(5).dataFormat(f).build(), "bn")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c2")
                .addLayer("d", new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build(), "gap")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "d")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        long c1 = 2L * 3 * 3 * 3 * 4 * 8 * 8;   // 3x3, 3->4 channels, 8x8 out (same padding)
        long c2 = 2L * 1 * 1 * 4 * 5 * 4 * 4;   // 1x1 stride 2, 4->5, 4x4 out
        long d = 2L * 5 * 6;
        long out = 2L * 6 * 2;
        assertEquals(13824 + 640 + 60 + 24, c1 + c2 + d + out);
        assertEquals(c1 + c2 + d + out, FlopCounter.forwardFlops(g, InputType.convolutional(8, 8, 3, f)));
    }

    @Test
    void tinyBackbone() {
        long stem = 2L * 9 * 3 * 8 * 15 * 15;    // 3x3 stride 2, truncate: 32 -> 15
        long s1 = 2L * 9 * 8 * 12 * 7 * 7;      // after 2x2 max pool: 7x7, same padding
        long s2 = 2L * 9 * 12 * 16 * 4 * 4;     // stride 2 same: 7 -> 4
        long top = 2L * 16 * 10;
        assertEquals(stem + s1 + s2 + top,
                FlopCounter.forwardFlops(TinyCnn.build(1), InputType.convolutional(32, 32, 3, CNN2DFormat.NHWC)));
    }

    @Test
    void statsMedianAndSpread() {
        Stats s = Stats.of(5, 1, 3);
        assertEquals(new Stats(3, 1, 5, 3), s);
        assertEquals(new Stats(2.5, 1, 4, 4), Stats.of(4, 1, 2, 3));
    }
}
