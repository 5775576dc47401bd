package dev.tl.report;

import dev.tl.metrics.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.html and the files next to it, from a run directory written by hand. */
class RunReportTest {
    private static final String EVIL = "<b>&";

    private static Path run(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("metrics.csv"), Fixtures.METRICS_CSV);
        Files.writeString(dir.resolve("config.yaml"), """
                backbone:
                  name: resnet50
                strategy:
                  name: progressive
                  phases:
                  - {name: head, epochs: 2, lr: 0.001}
                  - {name: stage4, epochs: 2, lr: 0.0001}
                  - {name: stage3, epochs: 1, lr: 0.00003}
                training:
                  batch_size: 16
                  lr: 0.001
                  seed: 42
                data:
                  dir: "data/<script>x</script>"
                """);
        return dir;
    }

    @Test
    void selfContainedEscapedAndComplete(@TempDir Path tmp) throws IOException {
        Evaluation ev = Fixtures.evaluation(List.of(EVIL, "bees", "wasps"), 90, 11);
        Path data = tmp.resolve("data");
        Fixtures.images(data, ev);
        Path run = run(tmp.resolve("run-1"));
        RunReport.Written w = RunReport.write(run, new RunReport.Request(Fixtures.json(ev), data, run, Map.of()));

        for (String f : List.of(RunReport.LEARNING_CURVES, RunReport.CONFUSION, RunReport.RELIABILITY, RunReport.MISTAKES, RunReport.HTML)) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
            assertTrue(w.files().contains(run.resolve(f)), f);
        }
        String html = Files.readString(w.html());
        // four pictures, each embedded and decodable
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            Fixtures.decode(java.util.Base64.getDecoder().decode(m.group(1)));
            images++;
        }
        assertEquals(4, images);
        // user strings are text, never markup
        assertTrue(html.contains("&lt;b&gt;&amp;"), "escaped class name");
        assertFalse(html.contains(EVIL), "raw class name");
        assertFalse(html.contains("<script>"), "raw config value");
        assertFalse(html.contains("<script"), "no script at all");
        // nothing fetched from anywhere
        assertFalse(html.contains("http://"));
        assertFalse(html.contains("https://"));
        assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(html).find(), "only data: URIs");
        // config summary, intervals, per-class, warnings
        assertTrue(html.contains("resnet50") && html.contains("progressive") && html.contains("stage4 (2 epochs"), "config facts");
        Map<String, Object> j = Fixtures.json(ev);
        List<?> ci = (List<?>) j.get("accuracy_ci95");
        assertTrue(html.contains("[" + HtmlReport.fmt((Double) ci.get(0)) + ", " + HtmlReport.fmt((Double) ci.get(1)) + "]"), "accuracy interval");
        List<?> f1 = (List<?>) j.get("macro_f1_ci95");
        assertTrue(html.contains("[" + HtmlReport.fmt((Double) f1.get(0)) + ", " + HtmlReport.fmt((Double) f1.get(1)) + "]"), "macro-F1 interval");
        assertTrue(html.contains("90 images: one image moves accuracy by 1.11 points"), "small-sample warning");
        assertTrue(html.contains("<td class=\"name\">wasps</td>"), "per-class row");
    }

    /** Without a run directory there are no learning curves, and a stale picture from an earlier report goes. */
    @Test
    void bareModelHasNoLearningCurves(@TempDir Path tmp) throws IOException {
        Evaluation ev = Fixtures.evaluation(List.of("a", "b"), 40, 2);
        Path out = tmp.resolve("report");
        Files.createDirectories(out);
        Files.writeString(out.resolve(RunReport.LEARNING_CURVES), "stale");
        RunReport.Written w = RunReport.write(out, new RunReport.Request(Fixtures.json(ev), null, null,
                Map.of("backbone", "tiny", "strategy", "fine-tune")));
        assertFalse(Files.exists(out.resolve(RunReport.LEARNING_CURVES)));
        assertTrue(Files.isRegularFile(out.resolve(RunReport.CONFUSION)));
        String html = Files.readString(w.html());
        assertTrue(html.contains("<th>backbone</th><td>tiny</td>"), html);
        assertFalse(html.contains("Learning curves"));
    }

    @Test
    void rejectsWhatIsNotAnEvalDocument(@TempDir Path tmp) {
        assertThrows(IllegalArgumentException.class,
                () -> RunReport.write(tmp, new RunReport.Request(Map.of("schema", "other"), null, null, Map.of())));
    }
}
