package dev.tl.cli;

import dev.tl.model.FastPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.tl.cli.CliHarness.tl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every user mistake: the right exit code, one "tl: ..." line naming the thing and the fix, no stack trace,
 * and the stack trace when --stacktrace is given. None of these should train anything.
 */
class CliErrorsTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path runs;
    static Path models;
    static Path goodConfig;

    @BeforeAll
    static void setUp() {
        FastPath.enable();
        data = CliHarness.dataset(tmp.resolve("data"));
        runs = tmp.resolve("runs");
        models = tmp.resolve("models");
        goodConfig = CliHarness.config(tmp.resolve("good.yaml"), data, runs, "feature-extract", null, 1);
    }

    /** Runs {@code args}; expects {@code code} and a clean one-line error; then again with --stacktrace. */
    private static CliHarness.Result fails(int code, String... args) {
        CliHarness.Result r = tl(args).expect(code).noStackTrace();
        String line = r.errorLine();
        assertFalse(line.contains("internal error"), line);
        List<String> withTrace = new ArrayList<>(List.of(args));
        withTrace.add(1, "--stacktrace");
        CliHarness.Result t = tl(withTrace.toArray(String[]::new)).expect(code);
        assertEquals(line, t.errorLine(), "same message with --stacktrace");
        assertTrue(t.err().contains("\tat "), () -> "no stack trace with --stacktrace:\n" + t.err());
        return r;
    }

    private static String[] train(String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--models-dir", models.toString(), "--runs-dir", runs.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static void noRunCreated() {
        assertEquals(List.of(), CliHarness.runDirs(runs), "a failed train must not leave a run directory");
    }

    @Test
    void missingConfigFile() {
        Path missing = tmp.resolve("nope.yaml");
        fails(ExitCode.USAGE, train("-c", missing.toString()))
                .errContains(missing.toString(), "config file not found", "configs/");
        noRunCreated();
    }

    @Test
    void configThatIsADirectory() {
        fails(ExitCode.USAGE, train("-c", tmp.toString())).errContains(tmp.toString(), "is a directory", "YAML");
    }

    @Test
    void configWithUnknownKey() throws IOException {
        Path cfg = tmp.resolve("typo.yaml");
        Files.writeString(cfg, Files.readString(goodConfig).replace("  batch_size: 8\n", "  batch_sise: 8\n"));
        CliHarness.Result r = fails(ExitCode.USAGE, train("-c", cfg.toString()));
        r.errContains(cfg.toString(), "training.batch_sise", "batch_size");
        noRunCreated();
    }

    @Test
    void unknownStrategy() {
        fails(ExitCode.USAGE, train("-c", goodConfig.toString(), "--strategy", "bogus"))
                .errContains("strategy.name", "bogus", "feature-extract", "head-replace", "fine-tune", "progressive");
        noRunCreated();
    }

    @Test
    void unknownBackboneListsValidNames() {
        fails(ExitCode.USAGE, train("-c", goodConfig.toString(), "--backbone", "nope"))
                .errContains("backbone.name", "nope", "valid: ", "tiny", "resnet50");
        noRunCreated();
    }

    @Test
    void missingDataDir() {
        Path missing = tmp.resolve("no-such-data");
        fails(ExitCode.DATA, train("-c", goodConfig.toString(), "--data", missing.toString()))
                .errContains(missing.toString(), "does not exist", "--data DIR", "data.dir");
        noRunCreated();
    }

    @Test
    void dataDirWithoutClasses() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-data"));
        Files.writeString(empty.resolve("readme.txt"), "no class folders here");
        fails(ExitCode.DATA, train("-c", goodConfig.toString(), "--data", empty.toString()))
                .errContains(empty.toString(), "no class folders", "<dir>/<class>/");
        noRunCreated();
    }

    @Test
    void dataWithASingleClass() throws IOException {
        Path one = tmp.resolve("one-class");
        for (String split : List.of("train", "val")) {
            Path to = Files.createDirectories(one.resolve(split).resolve("blue"));
            try (var s = Files.list(data.resolve(split).resolve("blue"))) {
                for (Path f : s.toList()) Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        fails(ExitCode.DATA, train("-c", goodConfig.toString(), "--data", one.toString()))
                .errContains(one.toString(), "only one class folder [blue]", "at least 2");
        noRunCreated();
    }

    @Test
    void badNumbers() {
        fails(ExitCode.USAGE, "predict", "-m", "x", "-k", "0", "img.png").errContains("--top", "at least 1");
        fails(ExitCode.USAGE, "eval", "-m", "x", "-d", "y", "--batch-size", "0").errContains("--batch-size", "at least 1");
        fails(ExitCode.USAGE, train("-c", goodConfig.toString(), "--epochs", "0")).errContains("training.epochs");
        noRunCreated();
    }

    @Test
    void evalWithMissingModel() {
        Path missing = tmp.resolve("no-run");
        fails(ExitCode.USAGE, "eval", "--model", missing.toString(), "--data", data.toString())
                .errContains(missing.toString(), "no such model file", "run directory");
    }

    @Test
    void evalWithATextFileAsModel() throws IOException {
        Path txt = Files.writeString(tmp.resolve("model.txt"), "not a model\n");
        fails(ExitCode.USAGE, "eval", "--model", txt.toString(), "--data", data.toString())
                .errContains(txt.toString(), "not a zip file", "tl train");
    }

    @Test
    void evalWithAZipThatIsNotABundle() throws IOException {
        Path zip = tmp.resolve("other.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("configuration.json"));
            z.write("{}".getBytes());
            z.closeEntry();
        }
        fails(ExitCode.USAGE, "eval", "--model", zip.toString(), "--data", data.toString())
                .errContains(zip.toString(), "not a tl model bundle", "tl-bundle.json");
    }

    @Test
    void evalWithARunDirectoryWithoutModel() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("unfinished-run"));
        fails(ExitCode.USAGE, "eval", "--model", dir.toString(), "--data", data.toString())
                .errContains(dir.toString(), "no model.tl.zip", "finished");
    }

    @Test
    void predictOnANonImageFile() throws IOException {
        Path txt = Files.writeString(tmp.resolve("photo.jpg"), "I am text with a .jpg name\n");
        fails(ExitCode.DATA, "predict", "--model", tmp.resolve("whatever").toString(), txt.toString())
                .errContains(txt.toString(), "not an image", "JPEG and PNG");
    }

    @Test
    void predictOnAMissingFile() {
        Path missing = tmp.resolve("missing.png");
        fails(ExitCode.DATA, "predict", "--model", tmp.resolve("whatever").toString(), missing.toString())
                .errContains(missing.toString(), "no such file", "pass existing image files or folders");
    }

    @Test
    void unknownOption() {
        CliHarness.Result r = tl("train", "--epoch", "3").expect(ExitCode.USAGE).noStackTrace();
        r.errContains("tl: Unknown options: '--epoch', '3'", "did you mean --epochs?", "tl train --help");
        tl("eval", "-m", "x", "-d", "y", "--jsn").expect(ExitCode.USAGE).noStackTrace()
                .errContains("'--jsn'", "did you mean --json?", "tl eval --help");
        tl("eval", "-d", "y").expect(ExitCode.USAGE).noStackTrace().errContains("Missing required option", "--model");
        tl("train", "--batch-size", "many").expect(ExitCode.USAGE).noStackTrace().errContains("--batch-size", "many");
    }

    @Test
    void noSubcommand() {
        tl().expect(ExitCode.USAGE).noStackTrace().errContains("tl: missing command", "tl train", "tl --help");
    }

    @Test
    void unknownSubcommand() {
        tl("trian").expect(ExitCode.USAGE).noStackTrace().errContains("tl: ", "trian");
    }

    @Test
    void helpListsExitCodes() {
        // picocli reports help-text format problems on System.err, outside the CLI's own writers
        java.io.PrintStream sysErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            String help = tl("eval", "--help").expect(0).outContains("95%").out();
            assertFalse(help.contains("%%"), help);
        } finally {
            System.setErr(sysErr);
        }
        assertEquals("", captured.toString(), "picocli warnings while rendering help");
        for (String[] args : List.of(new String[]{"--help"}, new String[]{"train", "--help"}, new String[]{"eval", "--help"},
                new String[]{"predict", "--help"}, new String[]{"help", "train"})) {
            CliHarness.Result r = tl(args).expect(0);
            r.outContains("Exit codes:", "0  ok", "1  internal error", "2  usage, config or model error", "3  data error",
                    "4  a --fail-under bar was not met");
            assertEquals("", r.err(), String.join(" ", args));
        }
        tl("--help").outContains("train", "eval", "predict");
        tl("train", "--help").outContains("--config", "--strategy", "--runs-dir", "--stacktrace");
    }

    @Test
    void versionPrintsSomething() {
        tl("--version").expect(0).outContains("tl ");
    }
}
