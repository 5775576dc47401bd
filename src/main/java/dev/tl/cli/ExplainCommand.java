package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.backbone.Preprocessing;
import dev.tl.data.DataException;
import dev.tl.data.ImageDecoder;
import dev.tl.data.ImageTransform;
import dev.tl.explain.Classifier;
import dev.tl.explain.GradCam;
import dev.tl.explain.InputGradients;
import dev.tl.explain.Pictures;
import dev.tl.explain.Pixels;
import dev.tl.explain.Saliency;
import dev.tl.model.FastPath;
import dev.tl.report.Png;
import dev.tl.run.AtomicFiles;
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

@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Which regions drove a prediction: one PNG per image with the image as the model sees it, "
                + "its Grad-CAM heat map (last convolutional stage) and its input-gradient saliency, and the top-k labels.",
                "The class explained is the top-1 prediction unless --class names another."},
        footer = {"", ExitCode.HELP_LIST})
public final class ExplainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClassifierOption model;

    @Option(names = {"-k", "--top"}, defaultValue = "3", paramLabel = "K", description = "Labels listed per image (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--class", paramLabel = "NAME", description = "Explain this class (name or index) instead of the predicted one.")
    String className;

    @Option(names = {"-o", "--out"}, defaultValue = "explain", paramLabel = "DIR",
            description = "Directory for the PNGs (default: ${DEFAULT-VALUE}); existing files are never overwritten.")
    Path out;

    @Option(names = "--smoothgrad", defaultValue = "0", paramLabel = "N",
            description = "Average the saliency gradient over N noisy copies (SmoothGrad, noise 15% of the pixel range); 0 = plain gradient (default).")
    int smoothgrad;

    @Option(names = "--json", description = "One JSON object per image per line: {\"image\",\"png\",\"class\",\"probability\",\"layer\",\"top\":[{\"label\",\"probability\"}]}.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files (JPEG/PNG).")
    List<Path> images;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        FastPath.enable();
        if (k < 1) throw TlException.usage("--top: must be at least 1, got " + k);
        if (smoothgrad < 0) throw TlException.usage("--smoothgrad: must be 0 or more, got " + smoothgrad);
        checkOutDir(out);
        for (Path img : images) checkImage(img, "explain");
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Classifier c = model.load(common, err);
        int forced = className == null ? -1 : ClassifierOption.classIndex(c, className, "--class");
        Preprocessing p = c.preprocessing();
        ImageTransform transform = new ImageTransform(p);
        GradCam cam = gradCam(c);
        InputGradients ig = InputGradients.of(c.graph());
        Saliency saliency = new Saliency(ig, p);
        for (Path img : images) {
            // the pixels tl eval feeds the network (resized, center-cropped), not yet normalized
            float[] px = transform.evalPixels(ImageDecoder.read(img));
            double[] rgb = new double[px.length];
            for (int i = 0; i < px.length; i++) rgb[i] = px[i];
            var x = Pixels.toInput(rgb, p);
            float[] probs = ig.probabilities(x).toFloatVector();
            List<Integer> order = ranking(probs);
            int cls = forced >= 0 ? forced : order.get(0);
            GradCam.Result g = cam.map(x, cls);
            double[] heat = GradCam.upsample(g.cam(), p.height(), p.width());
            double[] sal = saliency.map(rgb, cls, smoothgrad, 0.15 * 255, 0);
            List<Pictures.Label> top = new ArrayList<>();
            for (int i = 0; i < Math.min(k, probs.length); i++) top.add(new Pictures.Label(c.classes().get(order.get(i)), probs[order.get(i)]));
            var picture = Pictures.explanation(rgb, p.height(), p.width(), heat, sal, cam.vertex(), c.classes().get(cls), probs[cls], top, c.source());
            Path png = AtomicFiles.writeNew(out, stem(img) + ".explain", ".png", Png.of(picture));
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("image", img.toString());
                o.put("png", png.toString());
                o.put("class", c.classes().get(cls));
                o.put("probability", probs[cls]);
                o.put("layer", cam.vertex());
                List<Map<String, Object>> t = new ArrayList<>();
                for (Pictures.Label l : top) t.add(new LinkedHashMap<>(Map.of("label", l.name(), "probability", l.probability())));
                o.put("top", t);
                stdout.println(JSON.writeValueAsString(o));
            } else {
                stdout.println(String.format(Locale.ROOT, "%s: %s  (explained %s %.4f; top-1 %s %.4f)", img, png,
                        c.classes().get(cls), probs[cls], c.classes().get(order.get(0)), probs[order.get(0)]));
            }
            stdout.flush();
        }
        return ExitCode.OK;
    }

    static List<Integer> ranking(float[] probs) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < probs.length; i++) idx.add(i);
        idx.sort((a, b) -> probs[b] != probs[a] ? Float.compare(probs[b], probs[a]) : Integer.compare(a, b));
        return idx;
    }

    static GradCam gradCam(Classifier c) {
        try {
            return new GradCam(c.graph(), c.spec());
        } catch (IllegalArgumentException e) {
            throw TlException.usage(c.source() + ": no convolutional feature map for Grad-CAM: " + e.getMessage());
        }
    }

    /** The file name without its extension. */
    static String stem(Path img) {
        String n = img.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** An existing readable file; a folder, a missing file or a non-image is a data error naming it. */
    static void checkImage(Path img, String command) throws IOException {
        if (Files.isDirectory(img)) throw new DataException(img + ": is a directory; tl " + command + " takes image files (JPEG or PNG)");
        if (!Files.exists(img)) throw new DataException(img + ": no such file; pass existing JPEG or PNG images");
        String why = dev.tl.data.ImageFormat.rejectReason(img);
        if (why != null) throw new DataException(img + ": " + why + "; tl " + command + " reads JPEG and PNG images only");
    }

    static void checkOutDir(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) throw TlException.usage("--out: " + out + " is a file, not a directory");
    }
}
