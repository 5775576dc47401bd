package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tl.run.AtomicFiles;
import dev.tl.run.ModelBundle;
import dev.tl.train.Checkpoint;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The checks and loading behind {@code tl train --resume} and {@code --init-from}, kept out of
 * {@link TrainCommand} so its body stays about training. Every failure is a one-line {@link TlException}
 * naming the file and the fix.
 */
final class Resume {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Resume() {}

    /** The run's own config.yaml: a resumed run trains with exactly the settings it started with. */
    static Path configOf(Path run) {
        if (!Files.isDirectory(run)) throw TlException.usage(run + ": no such run directory; pass a runs/<run> directory to --resume");
        Path cfg = run.resolve("config.yaml");
        if (!Files.isRegularFile(cfg)) {
            throw TlException.usage(run + ": no config.yaml, so not a `tl train` run directory; pass the run directory to --resume");
        }
        return cfg;
    }

    /** Also removes the temporary files that the kill left behind, since this process now owns the run. */
    static Checkpoint checkpoint(Path run) throws IOException {
        Path dir = run.resolve("checkpoints");
        AtomicFiles.removeLeftovers(run);
        AtomicFiles.removeLeftovers(dir);
        Path last = dir.resolve("last.zip");
        String restart = "start it again with `tl train -c " + run.resolve("config.yaml") + "`";
        if (!Files.isRegularFile(last)) {
            throw TlException.usage(last + ": no checkpoint to resume from (the run stopped before its first epoch ended); " + restart);
        }
        try {
            return Checkpoint.readLast(dir);
        } catch (Checkpoint.CheckpointException e) {
            throw new TlException(ExitCode.USAGE, e.getMessage() + "; the checkpoint is corrupt, " + restart, e);
        }
    }

    /**
     * Refuses to resume on other images (that would silently train a different model), then appends this
     * resume (time, epoch, command line) to provenance.json, so the run's record says it was interrupted.
     */
    static void recordResume(Path run, String fingerprint, int afterEpoch, List<String> args) throws IOException {
        Path file = run.resolve("provenance.json");
        if (!Files.isRegularFile(file)) return;
        ObjectNode prov = (ObjectNode) JSON.readTree(file.toFile());
        JsonNode was = prov.get("data_fingerprint");
        if (was != null && !was.asText().equals(fingerprint)) {
            throw TlException.data(run + ": the dataset changed since this run started (fingerprint " + was.asText()
                    + " vs " + fingerprint + "); restore it, or start a new run with --init-from " + run);
        }
        ObjectNode entry = prov.withArray("resumes").addObject();
        entry.put("at", java.time.Instant.now().toString());
        entry.put("after_epoch", afterEpoch);
        entry.putPOJO("command_line", args);
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(prov));
    }

    /**
     * The model to start from, checked before the new run directory is created: the same backbone and class
     * names are required, since weights for other classes would be meaningless.
     */
    static ModelBundle.Loaded loadInit(Path runOrBundle, String backbone, List<String> classes) {
        ModelBundle.Loaded src = ModelBundle.load(runOrBundle);
        if (!src.info().backbone().equals(backbone)) {
            throw TlException.usage(src.file() + ": was trained on backbone " + src.info().backbone() + ", this run uses " + backbone
                    + "; use --backbone " + src.info().backbone() + " or another --init-from model");
        }
        if (!src.info().classes().equals(classes)) {
            throw TlException.usage(src.file() + ": has classes " + src.info().classes() + ", the dataset " + classes
                    + "; --init-from needs the same class folders");
        }
        return src;
    }

    /** Copies every parameter of {@code src} into {@code full} (built for the new config); the head layout must match. */
    static void copyWeights(ComputationGraph full, ModelBundle.Loaded src) {
        for (Layer l : full.getLayers()) {
            if (l.numParams() == 0) continue;
            String name = l.conf().getLayer().getLayerName();
            if (!src.graph().getConfiguration().getVertices().containsKey(name) || src.graph().getLayer(name).numParams() != l.numParams()) {
                throw TlException.usage(src.file() + ": layer " + name + " is missing or has another size there; "
                        + "--init-from needs the same head (strategy.head) as the model it starts from");
            }
            l.setParams(src.graph().getLayer(name).params().dup());
        }
    }
}
