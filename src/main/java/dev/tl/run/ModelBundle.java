package dev.tl.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.backbone.Preprocessing;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A trained model in one self-describing file: DL4J's own model zip (so {@code ModelSerializer} can still
 * read it) with one more entry, {@code tl-bundle.json}, holding what predict and eval need to use it
 * correctly: class names in order, preprocessing, input size, backbone and strategy. A bundle without that
 * entry, or from a newer format, is refused with a message rather than misused.
 */
public final class ModelBundle {
    public static final String ENTRY = "tl-bundle.json";
    public static final int FORMAT = 1;
    public static final String FILE_NAME = "model.tl.zip";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The metadata entry. */
    public record Info(int format, String tlVersion, String backbone, String strategy, List<String> classes,
                       PreprocessingInfo preprocessing, String createdAt, Map<String, Object> summary) {
    }

    /** Preprocessing as plain fields (stable JSON). */
    public record PreprocessingInfo(int height, int width, int resizeShorter, String channelOrder, float scale,
                                    float[] mean, float[] std, boolean channelsLast) {
        public static PreprocessingInfo of(Preprocessing p) {
            return new PreprocessingInfo(p.height(), p.width(), p.resizeShorter(), p.channelOrder(), p.scale(), p.mean(), p.std(), p.channelsLast());
        }

        public Preprocessing toPreprocessing() {
            return new Preprocessing(height, width, resizeShorter, channelOrder, scale, mean, std, channelsLast);
        }
    }

    public record Loaded(ComputationGraph graph, Info info, Path file) {
    }

    private ModelBundle() {}

    /**
     * Writes the entries {@code ModelSerializer} would ({@code configuration.json}, {@code coefficients.bin})
     * plus {@code tl-bundle.json}, in one pass and without compression: float weights shrink only about 7%
     * under deflate, and for ResNet50 DL4J's writer plus a re-zip took 7.0 s where this takes 0.7 s.
     */
    public static void save(Path target, ComputationGraph graph, Info info) throws IOException {
        AtomicFiles.write(target, tmp -> {
            try (ZipOutputStream out = new ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
                out.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
                out.putNextEntry(new ZipEntry("configuration.json"));
                out.write(graph.getConfiguration().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
                out.putNextEntry(new ZipEntry("coefficients.bin"));
                java.io.DataOutputStream dos = new java.io.DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 20));
                org.nd4j.linalg.factory.Nd4j.write(graph.params(), dos);
                dos.flush();
                out.closeEntry();
                out.putNextEntry(new ZipEntry(ENTRY));
                out.write(JSON.writeValueAsBytes(info));
                out.closeEntry();
            }
        });
    }

    /** Reads only the metadata (fast; no graph). */
    public static Info readInfo(Path file) {
        if (Files.isDirectory(file)) {
            throw new BundleException(file + ": is a directory; pass a run directory's " + FILE_NAME + " or the run directory itself");
        }
        if (!Files.isRegularFile(file)) {
            throw new BundleException(file + ": no such model file; pass a run directory or a " + FILE_NAME);
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(ENTRY);
            if (e == null) {
                throw new BundleException(file + ": not a tl model bundle (no " + ENTRY + "); use a " + FILE_NAME + " written by `tl train`");
            }
            try (InputStream in = zip.getInputStream(e)) {
                Info info = JSON.readValue(in, Info.class);
                if (info.format() > FORMAT) {
                    throw new BundleException(file + ": bundle format " + info.format() + " is newer than this tl understands (" + FORMAT + "); upgrade tl");
                }
                if (info.classes() == null || info.classes().size() < 2 || info.preprocessing() == null) {
                    throw new BundleException(file + ": bundle metadata is incomplete (classes/preprocessing); retrain or re-export it");
                }
                return info;
            }
        } catch (java.util.zip.ZipException ex) {
            throw new BundleException(file + ": not a zip file or truncated (" + ex.getMessage() + "); use a " + FILE_NAME + " written by `tl train`");
        } catch (IOException ex) {
            throw new BundleException(file + ": unreadable (" + ex.getMessage() + ")");
        }
    }

    /** A run directory or a bundle file. */
    public static Path resolve(Path runOrBundle) {
        if (Files.isDirectory(runOrBundle)) {
            Path f = runOrBundle.resolve(FILE_NAME);
            if (!Files.isRegularFile(f)) {
                throw new BundleException(runOrBundle + ": no " + FILE_NAME + " in this directory; is it a finished `tl train` run?");
            }
            return f;
        }
        return runOrBundle;
    }

    public static Loaded load(Path runOrBundle) {
        Path file = resolve(runOrBundle);
        Info info = readInfo(file);
        try {
            ComputationGraph g = ModelSerializer.restoreComputationGraph(file.toFile(), false);
            return new Loaded(g, info, file);
        } catch (IOException | RuntimeException e) {
            throw new BundleException(file + ": model graph cannot be restored (" + e.getMessage() + ")");
        }
    }

    static void write(OutputStream out, Object value) throws IOException {
        JSON.writeValue(out, value);
    }

    /** A bundle that cannot be used; the message names the file and the fix. */
    public static final class BundleException extends RuntimeException {
        public BundleException(String message) {
            super(message);
        }
    }
}
