package dev.tl.explain;

import dev.tl.backbone.Preprocessing;
import dev.tl.backbone.TinyCnn;
import dev.tl.model.ClassObjective.Score;
import dev.tl.model.FastPath;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pixel-space gradients (the chain rule through the preprocessing) against finite differences, and the
 * targeted attack on a tiny graph: it reaches the target within its budget, on the 8-bit image.
 */
class AttackTest {
    /** BGR with scale, mean and std all different per channel, so a wrong chain rule or channel swap shows. */
    static final Preprocessing PREP = new Preprocessing(32, 32, 36, "BGR", 0.8f, new float[]{100, 110, 120}, new float[]{50, 60, 70}, true);

    @BeforeAll
    static void fastPath() {
        FastPath.enable();
    }

    private static float[] pixels(long seed) {
        Random r = new Random(seed);
        float[] p = new float[32 * 32 * 3];
        for (int i = 0; i < p.length; i++) p[i] = r.nextInt(256);
        return p;
    }

    /** The network input for pixels, in double, written independently of ImageTransform. */
    private static INDArray inputDouble(double[] px) {
        double[] out = new double[px.length];
        for (int i = 0; i < px.length / 3; i++) {
            for (int c = 0; c < 3; c++) { // c: R, G, B; BGR order in the tensor
                int ch = 2 - c;
                out[i * 3 + ch] = (px[i * 3 + c] * 0.8 - PREP.mean()[ch]) / PREP.std()[ch];
            }
        }
        return Nd4j.create(out, new long[]{1, 32, 32, 3}, DataType.DOUBLE);
    }

    @Test
    void pixelGradientMatchesFiniteDifferencesInPixelSpace() {
        ComputationGraph model = InputGradientsTest.model(DataType.DOUBLE);
        InputGradients ig = InputGradients.of(model);
        PixelSpace space = new PixelSpace(PREP);
        float[] pf = pixels(3);
        double[] px = new double[pf.length];
        for (int i = 0; i < px.length; i++) px[i] = pf[i];
        // the float input PixelSpace builds is the same as the independent double one
        assertTrue(space.input(pf).castTo(DataType.DOUBLE).equalsWithEps(inputDouble(px), 1e-4));
        int cls = 2;
        float[] g = space.pixelGradient(ig.gradient(inputDouble(px), new int[]{cls}, Score.LOG_PROB).gradient(), 0);
        Random r = new Random(1);
        double h = 1e-3;
        double maxAbs = 0;
        for (float v : g) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertTrue(maxAbs > 1e-8, "gradient is zero");
        for (int k = 0; k < 30; k++) {
            int i = r.nextInt(px.length);
            double[] plus = px.clone(), minus = px.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (Math.log(model.outputSingle(false, inputDouble(plus)).getDouble(0, cls))
                    - Math.log(model.outputSingle(false, inputDouble(minus)).getDouble(0, cls))) / (2 * h);
            assertEquals(fd, g[i], 1e-7 + 1e-3 * Math.abs(fd), "pixel value " + i + " (channel " + (i % 3) + ")");
        }
    }

    @Test
    void attackReachesTheTargetWithinItsBudgetOnThe8BitImage() {
        Classifier c = new Classifier(InputGradientsTest.model(DataType.FLOAT), List.of("a", "b", "c", "d"), PREP, TinyCnn.SPEC, "tiny");
        Attack attack = new Attack(c);
        float[] x = pixels(11);
        float[] before = attack.probabilities(x);
        int top = PixelSpace.argMax(before);
        int target = (top + 1) % 4;
        Attack.Result r = attack.run(x, new Attack.Settings(target, 64, 0.6, 20), null);
        assertTrue(r.success(), "trials: " + r.trials());
        assertTrue(r.linf() <= r.epsLevels(), r.linf() + " > " + r.epsLevels());
        assertTrue(r.linf() >= 1);
        for (float v : r.adversarial()) assertTrue(v == Math.round(v) && v >= 0 && v <= 255, "not 8-bit: " + v);
        float[] again = attack.probabilities(r.adversarial());
        assertEquals(target, PixelSpace.argMax(again));
        assertTrue(again[target] >= 0.6, "target p " + again[target]);
        assertArrayEquals(again, r.after(), 1e-6f);
        // the smallest budget of the schedule that works: every smaller one failed
        for (Attack.Trial t : r.trials()) assertEquals(t.epsLevels() == r.epsLevels(), t.success(), r.trials().toString());
    }

    @Test
    void budgetScheduleAndEpsilonParsing() {
        assertEquals(List.of(1, 2, 3, 4, 6, 8, 12, 16), Attack.schedule(16));
        assertEquals(List.of(1, 2, 3, 4, 5), Attack.schedule(5));
        assertEquals(List.of(1), Attack.schedule(1));
        assertArrayEquals(new double[]{1 / 255.0, 2 / 255.0, 0.01, 0}, Fgsm.parseEpsilons("1/255, 2/255,0.01,0"), 1e-15);
        for (String bad : List.of("1/0", "abc", "2", "-0.1", "NaN", "1/255,,2/255")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fgsm.parseEpsilons(bad), bad);
            assertTrue(e.getMessage().contains("'"), e.getMessage());
        }
    }

    @Test
    void fgsmStepOfZeroIsTheIdentityAndStepsAreClipped() {
        float[] x = {0, 128, 255};
        float[] g = {1, -1, -1};
        assertTrue(x == Fgsm.perturb(x, g, 0f));
        assertArrayEquals(new float[]{0, 132, 255}, Fgsm.perturb(x, g, 4f));
    }
}
