package dev.tl.run;

import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run was made of, after Tribuo: config hash, data fingerprint, seed, weights identity, versions,
 * backend and machine. Written as {@code provenance.json} in every run directory so a result can be
 * traced and repeated.
 */
public final class Provenance {
    private Provenance() {}

    public static Map<String, Object> collect(List<String> commandLine, String configSha256, String dataFingerprint,
                                              long seed, String weightsId, String fastPath) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created_at", Instant.now().toString());
        m.put("command_line", commandLine);
        m.put("config_sha256", configSha256);
        m.put("data_fingerprint", dataFingerprint);
        m.put("seed", seed);
        m.put("weights", weightsId);
        m.put("tl_version", version());
        m.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        m.put("dl4j", "1.0.0-M2.1");
        m.put("backend", backend());
        m.put("onednn_helpers", fastPath);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        return m;
    }

    public static String version() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public static String backend() {
        try {
            var props = Nd4j.getExecutioner().getEnvironmentInformation();
            return Nd4j.getBackend().getClass().getSimpleName() + " blas=" + props.getProperty("blas.vendor", "?")
                    + " omp_threads=" + props.getProperty("omp.threads", "?");
        } catch (RuntimeException e) {
            return Nd4j.getBackend().getClass().getSimpleName();
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (Exception e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch");
    }
}
