package dev.tl.cli;

import dev.tl.run.AtomicFiles;
import dev.tl.run.ModelBundle;
import dev.tl.train.EpochResult;
import dev.tl.train.Listeners;
import dev.tl.train.Trainer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run as a subprocess by {@link KillTest}: writes a real model bundle, a real checkpoint (last.zip, and
 * best.zip copied from it) and metrics.csv into {@code args[0]} through {@link AtomicFiles}, over and over,
 * until it is killed. The graph has ~4 M parameters (16 MB) so a write takes long enough to be hit.
 */
public final class AtomicWriteLoop {
    private AtomicWriteLoop() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in")
                .addLayer("head_dense", new DenseLayer.Builder().nIn(2000).nOut(2000).activation(Activation.RELU).build(), "in")
                .addLayer("head_out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(2000).nOut(2).activation(Activation.SOFTMAX).build(), "head_dense")
                .setOutputs("head_out").build());
        g.init();
        g.getUpdater(); // allocates the Adam state, so checkpoints carry an updater.bin
        ModelBundle.Info info = new ModelBundle.Info(ModelBundle.FORMAT, "test", "tiny", "head-replace", List.of("a", "b"),
                ModelBundle.PreprocessingInfo.of(dev.tl.backbone.TinyCnn.SPEC.preprocessing()), "now", Map.of());
        Listeners.Checkpoints checkpoints = new Listeners.Checkpoints(dir.resolve("checkpoints"));
        Listeners.Csv csv = new Listeners.Csv(dir.resolve("metrics.csv"));
        float[][] probs = {{0.25f, 0.75f}, {0.5f, 0.5f}};
        for (int i = 1; ; i++) {
            EpochResult r = new EpochResult(0, "head", i, i, 1.0 / i, 0.5, 1.0 / i, 0.5, 1e-3, 0.1, 0, 100, 0);
            checkpoints.onEpochEnd(r, new Trainer.State(g, g, 0, i, i, 0.5, i, i % 2 == 1, probs));
            csv.onEpochEnd(r, null);
            ModelBundle.save(dir.resolve(ModelBundle.FILE_NAME), g, info);
            if (i == 1) {
                System.out.println("ready");
                System.out.flush();
            }
        }
    }
}
