package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.data.DataException;
import dev.tl.data.ImageFormat;
import dev.tl.model.FastPath;
import dev.tl.predict.Predictor;
import dev.tl.run.ModelBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Top-k labels with probabilities for images (files or folders, searched recursively).",
        footer = {"", ExitCode.HELP_LIST})
public final class PredictCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "RUN_OR_BUNDLE", description = "A run directory or model.tl.zip (default: the newest run under runs/).")
    Path model;

    @Option(names = {"-k", "--top"}, defaultValue = "3", paramLabel = "K", description = "Labels per image, capped at the class count (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--json", description = "One JSON object per image per line: {\"image\",\"top\":[{\"label\",\"probability\"}]}.")
    boolean json;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files (JPEG/PNG) or folders.")
    List<Path> inputs;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        FastPath.enable();
        if (k < 1) throw TlException.usage("--top: must be at least 1, got " + k);
        if (batchSize < 1) throw TlException.usage("--batch-size: must be at least 1, got " + batchSize);
        PrintWriter out = spec.commandLine().getOut();
        List<Path> images = expand(inputs);
        ModelBundle.Loaded bundle = EvalCommand.loadBundle(model != null ? model : newestRun(Path.of("runs")));
        Predictor p = new Predictor(bundle, batchSize);
        float[][] probs = p.probabilities(images);
        for (int i = 0; i < images.size(); i++) {
            List<Predictor.Ranked> top = p.topK(probs[i], k);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("image", images.get(i).toString());
                List<Map<String, Object>> t = new ArrayList<>();
                for (Predictor.Ranked r : top) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("label", r.label());
                    e.put("probability", r.probability());
                    t.add(e);
                }
                o.put("top", t);
                out.println(JSON.writeValueAsString(o));
            } else {
                StringBuilder sb = new StringBuilder(images.get(i).toString()).append(':');
                for (Predictor.Ranked r : top) sb.append(String.format(Locale.ROOT, "  %s %.4f", r.label(), r.probability()));
                out.println(sb);
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    /** Files as given; folders expanded to their JPEG/PNG files (by content), sorted. */
    static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> s = Files.walk(in)) {
                    for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                        if (!f.getFileName().toString().startsWith(".") && ImageFormat.rejectReason(f) == null) out.add(f);
                    }
                }
            } else if (!Files.exists(in)) {
                throw new DataException(in + ": no such file; pass existing image files or folders");
            } else {
                String why = ImageFormat.rejectReason(in);
                if (why != null) throw new DataException(in + ": " + why + "; tl predict reads JPEG and PNG images only");
                out.add(in);
            }
        }
        if (out.isEmpty()) throw new DataException("no JPEG or PNG images in " + inputs);
        return out;
    }

    static Path newestRun(Path runs) throws IOException {
        if (!Files.isDirectory(runs)) throw TlException.usage("no --model given and no runs/ directory here; pass --model RUN_DIR or model.tl.zip");
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(d -> Files.isRegularFile(d.resolve(ModelBundle.FILE_NAME)))
                    .max(java.util.Comparator.comparing(d -> d.resolve(ModelBundle.FILE_NAME).toFile().lastModified()))
                    .orElseThrow(() -> TlException.usage("no finished run in " + runs + "; pass --model RUN_DIR or model.tl.zip"));
        }
    }
}
