package dev.tl.explain;

import dev.tl.backbone.TinyCnn;
import dev.tl.model.ClassObjective.Score;
import dev.tl.model.FastPath;
import dev.tl.model.GraphSurgery;
import dev.tl.model.HeadSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input gradients are checked against central finite differences of the model's own inference output,
 * in double precision (DL4J's built-in layers), and the float oneDNN path against the double one.
 */
class InputGradientsTest {
    @BeforeAll
    static void fastPath() {
        FastPath.enable();
    }

    /**
     * A tiny model with a hidden dense layer and dropout (which must not act), and BatchNorm running
     * statistics far from (0, 1) (which must be used, not batch statistics).
     */
    static ComputationGraph model(DataType type) {
        ComputationGraph g = GraphSurgery.attachHead(TinyCnn.build(3), TinyCnn.SPEC, new HeadSpec(List.of(6), 0.5), 4, 9);
        Random r = new Random(5);
        for (String bn : List.of("stem_bn", "s1_bn", "s2_bn")) {
            org.deeplearning4j.nn.api.Layer l = g.getLayer(bn);
            Map<String, INDArray> p = l.paramTable();
            for (String key : p.keySet()) {
                INDArray v = p.get(key).dup();
                for (int i = 0; i < v.length(); i++) {
                    double var = 0.2 + r.nextDouble() * 3;
                    double value = switch (key) {
                        case "mean" -> r.nextGaussian() * 0.5;
                        case "var" -> var;
                        case "log10stdev" -> Math.log10(Math.sqrt(var));
                        case "gamma" -> 0.5 + r.nextDouble();
                        default -> r.nextGaussian() * 0.3;
                    };
                    v.putScalar(i, value);
                }
                l.setParam(key, v);
            }
        }
        return type == DataType.FLOAT ? g : g.convertDataType(type);
    }

    private static INDArray image(DataType type, long seed, int n) {
        Random r = new Random(seed);
        double[] v = new double[n * 32 * 32 * 3];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble() * 2 - 1;
        return Nd4j.create(v, new long[]{n, 32, 32, 3}, DataType.DOUBLE).castTo(type);
    }

    /** J(x) from the *original* model's inference output (LOG_PROB) or the differentiable graph (LOGIT). */
    private static double objective(ComputationGraph model, InputGradients ig, INDArray x, int cls, Score s) {
        if (s == Score.LOG_PROB) return Math.log(model.outputSingle(false, x).getDouble(0, cls));
        return ig.logits(x).getDouble(0, cls);
    }

    @Test
    void inputGradientMatchesFiniteDifferencesForBothScores() {
        ComputationGraph model = model(DataType.DOUBLE);
        InputGradients ig = InputGradients.of(model);
        INDArray x = image(DataType.DOUBLE, 11, 1);
        for (Score s : Score.values()) {
            for (int cls : new int[]{0, 3}) {
                INDArray g = ig.gradient(x, new int[]{cls}, s).gradient();
                assertTrue(g.norm2Number().doubleValue() > 1e-6, "gradient is zero");
                Random r = new Random(cls);
                double h = 1e-5;
                for (int k = 0; k < 25; k++) {
                    long[] at = {0, r.nextInt(32), r.nextInt(32), r.nextInt(3)};
                    INDArray xp = x.dup(), xm = x.dup();
                    xp.putScalar(at, x.getDouble(at) + h);
                    xm.putScalar(at, x.getDouble(at) - h);
                    double fd = (objective(model, ig, xp, cls, s) - objective(model, ig, xm, cls, s)) / (2 * h);
                    double an = g.getDouble(at);
                    assertEquals(fd, an, 1e-6 + 1e-4 * Math.abs(fd), s + " class " + cls + " at " + java.util.Arrays.toString(at));
                }
            }
        }
    }

    @Test
    void probabilitiesEqualTheModelsOwnOutput() {
        ComputationGraph model = model(DataType.DOUBLE);
        INDArray x = image(DataType.DOUBLE, 3, 3);
        INDArray p = InputGradients.of(model).probabilities(x);
        INDArray q = model.outputSingle(false, x);
        // 1e-6, not 1e-12: the folded BatchNorm keeps its scale and shift in float even in a double graph.
        assertTrue(p.equalsWithEps(q, 1e-6), p + " vs " + q);
        InputGradients.Result res = InputGradients.of(model).gradient(x, new int[]{0, 1, 2}, Score.LOG_PROB);
        assertTrue(res.probabilities().equalsWithEps(p, 1e-12), "logits from the gradient pass");
    }

    @Test
    void rowsAreIndependentInABatch() {
        ComputationGraph model = model(DataType.DOUBLE);
        InputGradients ig = InputGradients.of(model);
        INDArray x = image(DataType.DOUBLE, 4, 3);
        INDArray batch = ig.gradient(x, new int[]{1, 2, 3}, Score.LOG_PROB).gradient();
        for (int i = 0; i < 3; i++) {
            INDArray xi = x.get(NDArrayIndex.interval(i, i + 1)).dup();
            INDArray alone = ig.gradient(xi, new int[]{i + 1}, Score.LOG_PROB).gradient();
            assertTrue(alone.equalsWithEps(batch.get(NDArrayIndex.interval(i, i + 1)), 1e-12), "row " + i);
        }
    }

    @Test
    void floatOneDnnPathAgreesWithDouble() {
        INDArray x = image(DataType.DOUBLE, 7, 2);
        INDArray gd = InputGradients.of(model(DataType.DOUBLE)).gradient(x, new int[]{2, 0}, Score.LOGIT).gradient();
        INDArray gf = InputGradients.of(model(DataType.FLOAT)).gradient(x.castTo(DataType.FLOAT), new int[]{2, 0}, Score.LOGIT).gradient();
        double rel = gf.castTo(DataType.DOUBLE).sub(gd).norm2Number().doubleValue() / gd.norm2Number().doubleValue();
        assertTrue(rel < 1e-4, "relative L2 difference float vs double: " + rel);
    }

    @Test
    void gradientWithRespectToAnInnerActivation() {
        ComputationGraph model = model(DataType.DOUBLE);
        INDArray x = image(DataType.DOUBLE, 8, 1);
        INDArray a = model.feedForward(new INDArray[]{x}, false, false).get("s1_relu").dup();
        InputGradients ig = InputGradients.from(model, "s1_relu");
        assertTrue(ig.probabilities(a).equalsWithEps(model.outputSingle(false, x), 1e-6), "tail from s1_relu computes the model");
        INDArray g = ig.gradient(a, new int[]{1}, Score.LOGIT).gradient();
        assertEquals(List.of(a.shape()[0], a.shape()[1], a.shape()[2], a.shape()[3]),
                List.of(g.shape()[0], g.shape()[1], g.shape()[2], g.shape()[3]));
        Random r = new Random(2);
        double h = 1e-5;
        for (int k = 0; k < 20; k++) {
            long[] at = {0, r.nextInt((int) a.size(1)), r.nextInt((int) a.size(2)), r.nextInt((int) a.size(3))};
            INDArray ap = a.dup(), am = a.dup();
            ap.putScalar(at, a.getDouble(at) + h);
            am.putScalar(at, a.getDouble(at) - h);
            double fd = (ig.logits(ap).getDouble(0, 1) - ig.logits(am).getDouble(0, 1)) / (2 * h);
            assertEquals(fd, g.getDouble(at), 1e-6 + 1e-4 * Math.abs(fd), "at " + java.util.Arrays.toString(at));
        }
    }

    @Test
    void gradientStepRaisesTheTargetProbability() {
        ComputationGraph model = model(DataType.FLOAT);
        InputGradients ig = InputGradients.of(model);
        INDArray x = image(DataType.FLOAT, 9, 1);
        double before = model.outputSingle(false, x).getDouble(0, 3);
        INDArray g = ig.gradient(x, new int[]{3}, Score.LOG_PROB).gradient();
        INDArray stepped = x.add(Transforms.sign(g).muli(0.01));
        double after = model.outputSingle(false, stepped).getDouble(0, 3);
        assertTrue(after > before, before + " -> " + after);
    }
}
