package dev.tl.backbone;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * A tiny randomly initialized CNN with the same anatomy as the real backbones (stem, stages with
 * BatchNorm, global pooling as the feature vertex, a 10-class top), so unit tests exercise every strategy
 * and every graph operation in milliseconds. Seeded, so two builds are identical.
 */
public final class TinyCnn {
    public static final BackboneSpec SPEC = new BackboneSpec("tiny",
            "tiny random-init CNN (32x32, 3 stages) for tests and smoke runs; no pretrained weights",
            new Preprocessing(32, 32, 36, "RGB", 1f / 127.5f, new float[]{1, 1, 1}, new float[]{1, 1, 1}, true),
            "avg_pool", 16,
            BackboneSpec.stages("stem", "^(input|stem_.*)$", "stage1", "^s1_.*$", "stage2", "^s2_.*$"),
            List.of("predictions"),
            -1,
            new WeightSource("random", "seed:12345", null, null, List.of()));

    private TinyCnn() {}

    public static ComputationGraph build(long seed) {
        CNN2DFormat f = CNN2DFormat.NHWC;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(new Sgd(0.01)).weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(32, 32, 3, f))
                .addLayer("stem_conv", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(8).dataFormat(f).activation(Activation.IDENTITY).build(), "input")
                .addLayer("stem_bn", new BatchNormalization.Builder().dataFormat(f).eps(1e-3).build(), "stem_conv")
                .addLayer("stem_relu", new ActivationLayer(Activation.RELU), "stem_bn")
                .addLayer("stem_pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).dataFormat(f).build(), "stem_relu")
                .addLayer("s1_conv", new ConvolutionLayer.Builder(3, 3).nOut(12).dataFormat(f).convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "stem_pool")
                .addLayer("s1_bn", new BatchNormalization.Builder().dataFormat(f).eps(1e-3).build(), "s1_conv")
                .addLayer("s1_relu", new ActivationLayer(Activation.RELU), "s1_bn")
                .addLayer("s2_conv", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(16).dataFormat(f).convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "s1_relu")
                .addLayer("s2_bn", new BatchNormalization.Builder().dataFormat(f).eps(1e-3).build(), "s2_conv")
                .addLayer("s2_relu", new ActivationLayer(Activation.RELU), "s2_bn")
                .addLayer("avg_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "s2_relu")
                .addLayer("predictions", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build(), "avg_pool")
                .setOutputs("predictions")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }
}
