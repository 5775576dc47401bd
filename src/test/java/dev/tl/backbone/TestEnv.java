package dev.tl.backbone;

import dev.tl.model.FastPath;
import org.junit.jupiter.api.Assumptions;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find the shared real data ({@code tl.shared}, set by surefire to {@code ../shared}) and the
 * model cache they share across runs ({@code tl.test.models} or {@code TL_TEST_MODELS}, else
 * {@code ~/.cache/tl-test-models}). Loading this class switches DL4J onto its oneDNN helpers, which must
 * happen before any network is built.
 */
public final class TestEnv {
    static {
        FastPath.enable();
    }

    private TestEnv() {}

    /** Call first in every test class that builds networks. */
    public static void init() {
        FastPath.enable();
    }

    /** The shared data folder; skips the test with a clear message when it is absent. */
    public static Path shared() {
        String p = System.getProperty("tl.shared");
        Assumptions.assumeTrue(p != null && Files.isDirectory(Path.of(p)),
                "shared data folder absent (system property tl.shared=" + p + "); skipping test on real weights/images");
        return Path.of(p);
    }

    public static Path sharedFile(String rel) {
        Path f = shared().resolve(rel);
        Assumptions.assumeTrue(Files.exists(f), f + " absent; skipping");
        return f;
    }

    /** The model cache shared across test runs (downloads and conversions happen once per machine). */
    public static Path modelsRoot() {
        String p = System.getProperty("tl.test.models");
        if (p == null || p.isBlank()) p = System.getenv("TL_TEST_MODELS");
        if (p == null || p.isBlank()) p = Path.of(System.getProperty("user.home"), ".cache", "tl-test-models").toString();
        return Path.of(p);
    }

    public static PrintWriter log() {
        return new PrintWriter(System.out, true);
    }

    public static PrintWriter sink(StringWriter sw) {
        return new PrintWriter(sw, true);
    }
}
