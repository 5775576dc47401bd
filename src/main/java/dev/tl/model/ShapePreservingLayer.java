package dev.tl.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.params.EmptyParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * The DL4J plumbing shared by tl's own parameterless layers whose output has their input's shape
 * ({@link FrozenBatchNorm}, {@link GradientTap}): a layer configuration must also say how to instantiate
 * its runtime layer, its parameters (none), its output type and its memory, none of which differ here.
 */
abstract class ShapePreservingLayer extends NoParamLayer {
    protected ShapePreservingLayer(org.deeplearning4j.nn.conf.layers.Layer.Builder<?> builder) {
        super(builder);
    }

    /** The runtime layer for {@code conf}. */
    protected abstract AbstractLayer<?> runtime(NeuralNetConfiguration conf, DataType dataType);

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                      int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
        AbstractLayer<?> l = runtime(conf, dataType);
        l.setListeners(listeners);
        l.setIndex(layerIndex);
        l.setParamsViewArray(paramsView);
        l.setParamTable(initializer().init(conf, paramsView, initializeParams));
        l.setConf(conf);
        return l;
    }

    @Override
    public ParamInitializer initializer() {
        return EmptyParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, inputType)
                .standardMemory(0, 0).workingMemory(0, 0, 0, inputType.arrayElementsPerExample())
                .cacheMemory(0, 0).build();
    }

    /** Runtime side: no parameters, no regularization, no noise. */
    abstract static class Runtime<T extends ShapePreservingLayer> extends AbstractLayer<T> {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public double calcRegularizationScore(boolean backpropParamsOnly) {
            return 0;
        }

        @Override
        public boolean isPretrainLayer() {
            return false;
        }

        @Override
        public void clearNoiseWeightParams() {
        }

        @Override
        public INDArray params() {
            return null;
        }
    }
}
