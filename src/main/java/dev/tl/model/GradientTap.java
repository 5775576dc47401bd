package dev.tl.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An identity layer that keeps a copy of the gradient flowing back through it. Placed right after a
 * graph's input, it hands out d(loss)/d(input), which DL4J computes but does not return: the input
 * vertex's gradient lives in a workspace that is closed before the backward pass returns. Copying it here,
 * while it is still valid, lets the backward pass keep its workspaces (without them every pass allocates
 * its activation gradients afresh, and off-heap memory grows until the garbage collector catches up: 16 GB
 * resident after 150 ResNet50 images). Used only in {@link GraphSurgery#differentiable} graphs.
 */
public final class GradientTap extends ShapePreservingLayer {
    public GradientTap() {
        super(new Builder());
    }

    public GradientTap(String name) {
        super(new Builder().name(name));
    }

    @Override
    protected Impl runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new Impl(conf, dataType);
    }

    public static final class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        @SuppressWarnings("unchecked")
        @Override
        public GradientTap build() {
            return new GradientTap(layerName);
        }
    }

    /** The runtime layer: identity forward; backward passes the gradient on and keeps a detached copy. */
    public static final class Impl extends Runtime<GradientTap> {
        private INDArray captured;

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** The gradient of the last backward pass, outside any workspace; null until one ran. Clears it. */
        public INDArray take() {
            INDArray g = captured;
            captured = null;
            return g;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            return mgr.dup(ArrayType.ACTIVATIONS, input);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                captured = epsilon.dup();
            }
            return new Pair<>(new DefaultGradient(), mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon));
        }

        @Override
        public Type type() {
            return Type.FEED_FORWARD;
        }
    }
}
