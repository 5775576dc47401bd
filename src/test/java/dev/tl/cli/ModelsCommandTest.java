package dev.tl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.model.FastPath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsCommandTest {
    static {
        FastPath.enable();
    }

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Tl.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void listShowsEveryBackboneAndCacheState() throws Exception {
        Run r = run("models", "list", "--models-dir", tmp.toString());
        assertEquals(0, r.code, r.err);
        for (String n : new String[]{"resnet50", "vgg16", "mobilenet_v1_075", "squeezenet_v11", "tiny"}) assertTrue(r.out.contains(n), r.out);
        JsonNode j = new ObjectMapper().readTree(run("models", "list", "--json", "--models-dir", tmp.toString()).out);
        assertEquals(5, j.size());
        assertEquals(false, j.get(0).get("cached").asBoolean());
        assertEquals(true, j.get(4).get("cached").asBoolean(), "tiny is built in code");
    }

    @Test
    void infoPrintsTheStageTable() throws Exception {
        Run r = run("models", "info", "tiny", "--models-dir", tmp.toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.matches("(?s).*s1_conv\\s+ConvolutionLayer\\s+7x7x12\\s+876\\s+stage1.*"), r.out);
        assertTrue(r.out.contains("<- features"), r.out);
        JsonNode j = new ObjectMapper().readTree(run("models", "info", "tiny", "--json", "--models-dir", tmp.toString()).out);
        assertEquals("avg_pool", j.get("featureVertex").asText());
        long sum = 0;
        for (JsonNode s : j.get("stageParams")) sum += s.asLong();
        assertEquals(j.get("params").asLong(), sum, "stage totals add up");
        assertEquals("16", j.get("vertices").get(j.get("vertices").size() - 2).get("output").asText());
    }

    @Test
    void unknownNameIsAOneLineUsageError() {
        Run r = run("models", "info", "resnet18", "--models-dir", tmp.toString());
        assertEquals(ExitCode.USAGE, r.code);
        assertEquals("tl: unknown backbone 'resnet18'; valid: resnet50, vgg16, mobilenet_v1_075, squeezenet_v11, tiny", r.err.trim());
    }

    @Test
    void pullWithoutSourceSaysHowAndLeavesNothing() {
        Run r = run("models", "pull", "squeezenet_v11", "--from", tmp.resolve("nowhere").toString(), "--models-dir", tmp.resolve("m").toString());
        assertEquals(ExitCode.USAGE, r.code);
        assertEquals(1, r.err.trim().lines().count(), r.err);
        assertTrue(r.err.contains("nowhere: no such file or folder"), r.err);
        assertTrue(!Files.exists(tmp.resolve("m").resolve("squeezenet_v11")));
    }

    @Test
    void pullFromSharedFolderThenVerify() {
        String shared = System.getProperty("tl.shared");
        Assumptions.assumeTrue(shared != null && Files.isDirectory(Path.of(shared, "weights")), "../shared absent; skipping");
        String dir = tmp.toString();
        Run r = run("models", "pull", "squeezenet_v11", "--from", Path.of(shared, "weights").toString(), "--models-dir", dir);
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("weights: squeezenet_v11:sha256:"), r.out);
        Run v = run("models", "verify", "--models-dir", dir);
        assertEquals(0, v.code, v.err);
        assertTrue(v.out.startsWith("squeezenet_v11: ok"), v.out);
        Run l = run("models", "list", "--models-dir", dir);
        assertTrue(l.out.matches("(?s).*squeezenet_v11\\s+yes.*"), l.out);
    }
}
