package dev.tl.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * BatchNorm in inference mode that still passes gradients through: {@code y = x * scale + shift} per
 * channel, with scale and shift folded from gamma, beta and the running mean and variance.
 *
 * <p>Why it exists: fine-tuning on small data with BatchNorm frozen (running statistics, fixed gamma/beta)
 * is the usual recommendation (Keras' {@code training=False}), but DL4J's BatchNormalization only
 * backpropagates through batch statistics, and wrapping it in FrozenLayerWithBackprop crashes its oneDNN
 * helper. This layer has no parameters, so the BatchNorm's own parameters stay bit-identical by
 * construction. It is used only inside training tails, never saved in a model bundle.
 */
public final class FrozenBatchNorm extends ShapePreservingLayer {
    private float[] scale;
    private float[] shift;
    private int channelAxis;

    public FrozenBatchNorm() {
        super(new Builder());
    }

    public FrozenBatchNorm(String name, float[] scale, float[] shift, int channelAxis) {
        super(new Builder().name(name));
        this.scale = scale.clone();
        this.shift = shift.clone();
        this.channelAxis = channelAxis;
    }

    /** Folds a BatchNorm's gamma, beta, running mean and variance into scale and shift. */
    public static FrozenBatchNorm fold(String name, Map<String, INDArray> bnParams, double eps, int channelAxis, boolean useLogStd) {
        double[][] st = scaleShift(bnParams, eps, useLogStd);
        float[] s = new float[st[0].length];
        float[] b = new float[st[0].length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) st[0][i];
            b[i] = (float) st[1][i];
        }
        return new FrozenBatchNorm(name, s, b, channelAxis);
    }

    /**
     * The per-channel {scale, shift} of a BatchNorm in inference mode: {@code y = x * scale + shift}, with
     * {@code scale = gamma / sqrt(var + eps)} and {@code shift = beta - mean * scale}, in double.
     */
    public static double[][] scaleShift(Map<String, INDArray> bnParams, double eps, boolean useLogStd) {
        float[] gamma = bnParams.get("gamma").dup().data().asFloat();
        float[] beta = bnParams.get("beta").dup().data().asFloat();
        float[] mean = bnParams.get("mean").dup().data().asFloat();
        float[] var;
        if (useLogStd) {
            float[] log10std = bnParams.get("log10stdev").dup().data().asFloat();
            var = new float[log10std.length];
            for (int i = 0; i < var.length; i++) {
                // DL4J's own reading of this parameterization: var = (10^log10stdev)^2, then std = sqrt(var + eps).
                double std = Math.pow(10, log10std[i]);
                var[i] = (float) (std * std);
            }
        } else {
            var = bnParams.get("var").dup().data().asFloat();
        }
        double[] s = new double[gamma.length];
        double[] b = new double[gamma.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = gamma[i] / Math.sqrt(var[i] + eps);
            b[i] = beta[i] - mean[i] * s[i];
        }
        return new double[][]{s, b};
    }

    public float[] getScale() {
        return scale;
    }

    public void setScale(float[] scale) {
        this.scale = scale;
    }

    public float[] getShift() {
        return shift;
    }

    public void setShift(float[] shift) {
        this.shift = shift;
    }

    public int getChannelAxis() {
        return channelAxis;
    }

    public void setChannelAxis(int channelAxis) {
        this.channelAxis = channelAxis;
    }

    @Override
    protected Impl runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new Impl(conf, dataType);
    }

    @Override
    public FrozenBatchNorm clone() {
        FrozenBatchNorm c = (FrozenBatchNorm) super.clone();
        c.scale = scale.clone();
        c.shift = shift.clone();
        return c;
    }

    public static final class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        @SuppressWarnings("unchecked")
        @Override
        public FrozenBatchNorm build() {
            throw new UnsupportedOperationException("use FrozenBatchNorm.fold");
        }
    }

    /** The runtime layer. */
    public static final class Impl extends Runtime<FrozenBatchNorm> {
        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private int axis() {
            int a = layerConf().getChannelAxis();
            return input.rank() == 2 ? 1 : a;
        }

        private INDArray vec(float[] v) {
            return Nd4j.create(v).castTo(input.dataType());
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), input.ordering());
            Nd4j.getExecutioner().exec(new BroadcastMulOp(input, vec(layerConf().getScale()), out, axis()));
            Nd4j.getExecutioner().exec(new BroadcastAddOp(out, vec(layerConf().getShift()), out, axis()));
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            assertInputSet(true);
            INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), epsilon.ordering());
            Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, vec(layerConf().getScale()), dx, axis()));
            return new Pair<>(new DefaultGradient(), dx);
        }

        @Override
        public Type type() {
            return Type.NORMALIZATION;
        }
    }
}
