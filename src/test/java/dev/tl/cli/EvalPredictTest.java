package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.model.FastPath;
import dev.tl.run.ModelBundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tl eval} and {@code tl predict} on a model trained once for the class. */
class EvalPredictTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path data;
    static Path run;

    @BeforeAll
    static void trainOnce() {
        FastPath.enable();
        run = CliHarness.trainedRun(tmp, null, 2);
        data = tmp.resolve("data");
    }

    private static JsonNode evalJson() throws IOException {
        CliHarness.Result r = tl("eval", "--model", run.toString(), "--data", data.toString(), "--json").expect(0);
        return JSON.readTree(r.out());
    }

    @Test
    void evalJsonHasSchemaAndCountsEveryValImage() throws IOException {
        CliHarness.Result r = tl("eval", "--model", run.toString(), "--data", data.toString(), "--json").expect(0).noStackTrace();
        JsonNode doc = JSON.readTree(r.out()); // stdout is exactly one JSON document
        assertEquals("tl.eval/1", doc.get("schema").asText());
        assertEquals(CliHarness.CLASSES.size() * CliHarness.VAL_PER_CLASS, doc.get("n").asInt());
        assertEquals(CliHarness.valImages(data).size(), doc.get("n").asInt());
        // the GIF in val/ is reported, not scored
        r.errContains("skipped 1 file(s)", "anim.gif");
        // a bundle file works as well as its run directory, with the same result
        JsonNode viaBundle = JSON.readTree(tl("eval", "--model", run.resolve(ModelBundle.FILE_NAME).toString(),
                "--data", data.toString(), "--json").expect(0).out());
        assertEquals(doc.get("accuracy").asDouble(), viaBundle.get("accuracy").asDouble(), 0.0);
        // and the same as the train-time evaluation in eval.json
        JsonNode atTrain = JSON.readTree(run.resolve("eval.json").toFile());
        assertEquals(atTrain.get("accuracy").asDouble(), doc.get("accuracy").asDouble(), 0.0);
    }

    @Test
    void evalOnClassFoldersDirectlyMatchesValLayout() throws IOException {
        JsonNode viaRoot = evalJson();
        JsonNode direct = JSON.readTree(tl("eval", "-m", run.toString(), "-d", data.resolve("val").toString(), "--json").expect(0).out());
        assertEquals(viaRoot.get("n"), direct.get("n"));
        assertEquals(viaRoot.get("accuracy"), direct.get("accuracy"));
    }

    @Test
    void evalOnAClassTheModelDoesNotKnowIsADataError() throws IOException {
        Path other = tmp.resolve("other-classes");
        for (String c : List.of("blue", "purple")) {
            java.nio.file.Files.createDirectories(other.resolve(c));
            try (var s = java.nio.file.Files.list(data.resolve("val/blue"))) {
                for (Path f : s.toList()) java.nio.file.Files.copy(f, other.resolve(c).resolve(f.getFileName()));
            }
        }
        tl("eval", "-m", run.toString(), "-d", other.toString()).expect(ExitCode.DATA).noStackTrace()
                .errContains("[purple]", "not classes of this model", "blue, green, red", "remove those folders");
    }

    @Test
    void evalTextSummary() {
        tl("eval", "-m", run.toString(), "-d", data.toString()).expect(0).noStackTrace().outContains("accuracy");
    }

    @Test
    void failUnderAnUnreachableBarExits4AndNamesTheMetric() throws IOException {
        Path evalData = data;
        double acc = evalJson().get("accuracy").asDouble();
        if (acc == 1.0) {
            // the model is perfect here: relabel the val images (blue->green->red->blue) so no bar <= 1 is trivially met
            evalData = tmp.resolve("relabelled");
            for (int c = 0; c < CliHarness.CLASSES.size(); c++) {
                Path from = data.resolve("val").resolve(CliHarness.CLASSES.get(c));
                Path to = evalData.resolve(CliHarness.CLASSES.get((c + 1) % CliHarness.CLASSES.size()));
                java.nio.file.Files.createDirectories(to);
                try (var s = java.nio.file.Files.list(from)) {
                    for (Path f : s.toList()) java.nio.file.Files.copy(f, to.resolve(f.getFileName()));
                }
            }
            acc = JSON.readTree(tl("eval", "-m", run.toString(), "-d", evalData.toString(), "--json").expect(0).out())
                    .get("accuracy").asDouble();
        }
        assertTrue(acc < 1.0, "accuracy " + acc);
        String bar = String.format(Locale.ROOT, "%.6f", Math.min(1.0, acc + 1e-3));
        CliHarness.Result r = tl("eval", "-m", run.toString(), "-d", evalData.toString(), "--fail-under", "accuracy=" + bar);
        r.expect(ExitCode.BELOW_BAR).noStackTrace().errContains("tl: accuracy = ", "is below the bar " + bar.replaceAll("0+$", ""));
        r.outContains("accuracy"); // the report is still printed
        // a bar the model meets passes
        tl("eval", "-m", run.toString(), "-d", evalData.toString(), "--fail-under", String.format(Locale.ROOT, "accuracy=%.6f", Math.max(0, acc - 1e-6)))
                .expect(0);
        // several bars: each unmet one is named, met ones are not
        r = tl("eval", "-m", run.toString(), "-d", data.toString(), "--fail-under", "accuracy=0,roc_auc=0.5");
        r.expect(ExitCode.BELOW_BAR).errContains("roc_auc is undefined");
        assertTrue(!r.err().contains("tl: accuracy"), r.err());
    }

    @Test
    void failUnderUnknownMetricIsAUsageErrorListingValidNames() {
        CliHarness.Result r = tl("eval", "-m", run.toString(), "-d", data.toString(), "--fail-under", "bogus=0.5");
        r.expect(ExitCode.USAGE).noStackTrace().errContains("--fail-under", "bogus", "valid: accuracy, macro_f1");
        assertEquals("", r.out(), "nothing evaluated, nothing printed");
        tl("eval", "-m", run.toString(), "-d", data.toString(), "--fail-under", "90")
                .expect(ExitCode.USAGE).errContains("did you mean 0.9");
    }

    /** What eval measures is what predict answers: top-1 of predict over val == eval's accuracy, exactly. */
    @Test
    void predictTop1AgreesWithEvalAccuracy() throws IOException {
        double evalAccuracy = evalJson().get("accuracy").asDouble();
        List<Path> images = CliHarness.valImages(data);
        List<String> args = new ArrayList<>(List.of("predict", "--model", run.toString(), "--json", "-k", "1", "--batch-size", "4"));
        images.forEach(p -> args.add(p.toString()));
        CliHarness.Result r = tl(args.toArray(String[]::new)).expect(0).noStackTrace();
        List<String> lines = r.out().lines().toList();
        assertEquals(images.size(), lines.size(), r.out());
        int correct = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode o = JSON.readTree(lines.get(i));
            assertEquals(images.get(i).toString(), o.get("image").asText(), "output order follows input order");
            assertEquals(1, o.get("top").size());
            String truth = images.get(i).getParent().getFileName().toString();
            if (o.get("top").get(0).get("label").asText().equals(truth)) correct++;
        }
        assertEquals(evalAccuracy, correct / (double) images.size(), 0.0, "predict top-1 vs eval accuracy");

        // one image at a time gives the same labels as the batch (no batch-dependent preprocessing)
        for (int i = 0; i < 3; i++) {
            JsonNode single = JSON.readTree(tl("predict", "-m", run.toString(), "--json", "-k", "1", images.get(i).toString()).expect(0).out());
            assertEquals(JSON.readTree(lines.get(i)).get("top"), single.get("top"), images.get(i).toString());
        }
    }

    @Test
    void predictTextAndFolderInput() {
        // a folder is searched recursively for JPEG/PNG by content: the GIF is left out
        CliHarness.Result r = tl("predict", "-m", run.toString(), "-k", "5", data.resolve("val").toString()).expect(0).noStackTrace();
        List<String> lines = r.out().lines().toList();
        assertEquals(CliHarness.valImages(data).size(), lines.size(), r.out());
        for (String l : lines) {
            // k is capped at the class count
            assertEquals(3, l.split("  ").length - 1, l);
            assertTrue(CliHarness.CLASSES.stream().allMatch(l::contains), l);
        }
    }
}
