package dev.tl.explain;

import dev.tl.backbone.ModelCache;
import dev.tl.backbone.Preprocessing;
import dev.tl.model.FastPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pieces of a dream's step checked one by one (TV gradient, chain rule, jitter), then whole dreams. */
class DreamTest {
    @BeforeAll
    static void fastPath() {
        FastPath.enable();
    }

    @Test
    void totalVariationGradientMatchesFiniteDifferences() {
        int h = 5, w = 7, c = 3;
        Random r = new Random(8);
        double[] v = new double[h * w * c];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble() * 255;
        v[4] = v[4 + c]; // a flat spot: where eps matters
        double[] g = TotalVariation.gradient(v, h, w, c);
        double step = 1e-4;
        for (int i = 0; i < v.length; i++) {
            double[] p = v.clone(), m = v.clone();
            p[i] += step;
            m[i] -= step;
            double fd = (TotalVariation.value(p, h, w, c) - TotalVariation.value(m, h, w, c)) / (2 * step);
            assertEquals(fd, g[i], 1e-9 + 1e-5 * Math.abs(fd), "element " + i);
        }
    }

    @Test
    void totalVariationOfFlatAndNoisyImages() {
        int h = 64, w = 64;
        double[] flat = new double[h * w * 3];
        java.util.Arrays.fill(flat, 100);
        assertEquals(3 * TotalVariation.EPS, TotalVariation.value(flat, h, w, 3), 1e-12);
        double[] noise = new double[h * w * 3];
        Random r = new Random(1);
        for (int i = 0; i < noise.length; i++) noise[i] = 128 + r.nextGaussian() * 0.1 * 255;
        // about 3 * sqrt(pi) * 0.1 (see the class comment), less the zero differences on the last row and column
        assertEquals(3 * Math.sqrt(Math.PI) * 0.1, TotalVariation.value(noise, h, w, 3), 0.03);
    }

    /** The pixel-space gradient is the input-space gradient through the (affine) normalization, for any layout. */
    @Test
    void pixelGradientIsTheChainRuleThroughPreprocessing() {
        Random r = new Random(3);
        for (Preprocessing p : new Preprocessing[]{
                new Preprocessing(6, 5, 6, "BGR", 1f, new float[]{103.9f, 116.8f, 123.7f}, new float[]{50, 60, 70}, true),
                new Preprocessing(6, 5, 6, "RGB", 1f / 127.5f, new float[]{1, 1, 1}, new float[]{1, 1, 1}, false)}) {
            int n = 6 * 5 * 3;
            double[] v = new double[n], d = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextDouble() * 255;
                d[i] = r.nextGaussian();
            }
            assertArrayEquals(v, Pixels.fromInput(Pixels.toInput(v, p), p), 1e-3, p.toString());
            INDArray g = org.nd4j.linalg.factory.Nd4j.rand(DataType.DOUBLE, p.batchShape(1));
            double[] vd = v.clone();
            for (int i = 0; i < n; i++) vd[i] += d[i];
            double lhs = 0;
            double[] gp = Pixels.toPixelGradient(g, p);
            for (int i = 0; i < n; i++) lhs += gp[i] * d[i];
            double rhs = Pixels.toInput(vd, p).castTo(DataType.DOUBLE).sub(Pixels.toInput(v, p).castTo(DataType.DOUBLE)).mul(g).sumNumber().doubleValue();
            assertEquals(rhs, lhs, 1e-3 * Math.abs(rhs) + 1e-3, p.toString());
        }
    }

    @Test
    void jitterRollsBackExactly() {
        double[] v = new double[4 * 5 * 3];
        for (int i = 0; i < v.length; i++) v[i] = i;
        assertArrayEquals(v, Dream.roll(Dream.roll(v, 4, 5, 3, -2), 4, 5, -3, 2));
        double[] once = Dream.roll(v, 4, 5, 1, 0);
        assertArrayEquals(java.util.Arrays.copyOfRange(v, 0, 15), java.util.Arrays.copyOfRange(once, 15, 30));
    }

    @Test
    void dreamsRaiseTheClassProbabilityOnTheTrainedTinyModel() {
        QuadrantModel q = QuadrantModel.get();
        Classifier c = Classifier.load(q.run.toString(), new ModelCache(q.dir.resolve("models"), new PrintWriter(new StringWriter())));
        Dream dream = new Dream(c.graph(), c.preprocessing());
        for (int cls = 0; cls < c.classes().size(); cls++) {
            Dream.Outcome o = dream.run(cls, new Dream.Settings(25, 0.5, 4, 1, 5, 8, 4), null);
            String msg = c.classes().get(cls) + ": " + o.start() + " -> " + o.end();
            System.out.println(msg);
            assertTrue(o.end() > o.start() + 0.2, msg);
            assertTrue(o.end() > 0.8, msg);
            assertEquals(4, o.snapshots().size());
            assertEquals(o.end(), o.snapshots().get(3).probability(), 0);
            for (double x : o.image()) assertTrue(x >= 0 && x <= 255 && x == Math.rint(x), "8-bit pixel " + x);
            assertEquals(o.end(), dream.probability(o.image(), cls), 0, "reported probability is the 8-bit image's");
        }
    }

    @Test
    void theSmoothingMakesTheDreamSmoother() {
        QuadrantModel q = QuadrantModel.get();
        Classifier c = Classifier.load(q.run.toString(), new ModelCache(q.dir.resolve("models"), new PrintWriter(new StringWriter())));
        Dream dream = new Dream(c.graph(), c.preprocessing());
        int h = c.preprocessing().height(), w = c.preprocessing().width();
        double rough = TotalVariation.value(dream.run(2, new Dream.Settings(25, 0, 4, 1, 5, 8, 2), null).image(), h, w, 3);
        double smooth = TotalVariation.value(dream.run(2, new Dream.Settings(25, 1.0, 4, 1, 5, 8, 2), null).image(), h, w, 3);
        assertTrue(smooth < 0.8 * rough, "TV with penalty " + smooth + " vs without " + rough);
    }
}
