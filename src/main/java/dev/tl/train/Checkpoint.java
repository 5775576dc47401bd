package dev.tl.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A checkpoint written by {@link Listeners.Checkpoints}, read back to resume a run: the trained layers'
 * parameters, the tail's updater state (Adam's moments) and iteration count (Adam's bias correction), the
 * position (phase, epoch) and the best-so-far bookkeeping.
 *
 * @param best the matching {@code best.zip}, when there is one (needed only to select the best epoch)
 */
public record Checkpoint(Path file, int phaseIndex, int phaseEpoch, int epoch, double bestValAccuracy, int bestEpoch,
                         int iterationCount, int epochCount, Map<String, INDArray> params, INDArray updater,
                         float[][] valProbabilities, Checkpoint best) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A checkpoint that is missing, truncated or inconsistent; the message names the file. */
    public static final class CheckpointException extends RuntimeException {
        public CheckpointException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads {@code dir/last.zip}, and {@code dir/best.zip} if present. */
    public static Checkpoint readLast(Path dir) {
        Path bestFile = dir.resolve("best.zip");
        Checkpoint best = Files.isRegularFile(bestFile) ? read(bestFile, null) : null;
        return read(dir.resolve("last.zip"), best);
    }

    public static Checkpoint read(Path file, Checkpoint best) {
        if (!Files.isRegularFile(file)) throw new CheckpointException(file + ": no checkpoint", null);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry st = zip.getEntry("state.json");
            if (st == null) throw new CheckpointException(file + ": no state.json in checkpoint", null);
            JsonNode s;
            try (InputStream in = zip.getInputStream(st)) {
                s = JSON.readTree(in);
            }
            Map<String, INDArray> params = new LinkedHashMap<>();
            for (JsonNode n : s.path("layers")) {
                INDArray a = array(zip, "params/" + n.asText());
                if (a == null) throw new CheckpointException(file + ": parameters of layer " + n.asText() + " missing", null);
                params.put(n.asText(), a);
            }
            INDArray probs = array(zip, "val_probabilities.bin");
            return new Checkpoint(file, s.path("phase_index").asInt(), s.path("phase_epoch").asInt(), s.path("epoch").asInt(),
                    s.path("best_val_accuracy").asDouble(), s.path("best_epoch").asInt(), s.path("iteration_count").asInt(),
                    s.path("epoch_count").asInt(), params, array(zip, "updater.bin"), probs == null ? null : probs.toFloatMatrix(), best);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CheckpointException ce) throw ce;
            throw new CheckpointException(file + ": unreadable checkpoint (" + e.getMessage() + ")", e);
        }
    }

    private static INDArray array(ZipFile zip, String name) throws IOException {
        ZipEntry e = zip.getEntry(name.endsWith(".bin") ? name : name + ".bin");
        if (e == null) return null;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(zip.getInputStream(e), 1 << 20))) {
            return Nd4j.read(in);
        }
    }

    /** Sets the checkpointed layers' parameters in {@code g} (the layers it has). */
    public void applyParams(ComputationGraph g) {
        for (var e : params.entrySet()) {
            if (!g.getConfiguration().getVertices().containsKey(e.getKey())) continue;
            Layer l = g.getLayer(e.getKey());
            if (l.numParams() != e.getValue().length()) {
                throw new CheckpointException(file + ": layer " + e.getKey() + " has " + e.getValue().length()
                        + " parameters, the model " + l.numParams() + "; was the config changed?", null);
            }
            l.setParams(e.getValue().reshape(l.params().shape()));
        }
    }

    /** Parameters, updater state and iteration/epoch counts into a tail built for the checkpoint's phase. */
    void restoreTail(ComputationGraph tail) {
        for (Layer l : tail.getLayers()) {
            if (l.numParams() > 0 && !params.containsKey(l.conf().getLayer().getLayerName())) {
                throw new CheckpointException(file + ": no parameters for layer " + l.conf().getLayer().getLayerName()
                        + "; was the config changed?", null);
            }
        }
        applyParams(tail);
        if (updater != null) {
            INDArray view = tail.getUpdater().getStateViewArray();
            if (view == null || view.length() != updater.length()) {
                throw new CheckpointException(file + ": optimizer state does not match the model; was the config changed?", null);
            }
            view.assign(updater.reshape(view.shape()));
        }
        tail.getConfiguration().setIterationCount(iterationCount);
        tail.getConfiguration().setEpochCount(epochCount);
    }
}
