package dev.tl.data;

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
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Supplies the quickstart dataset (ants vs bees, from the PyTorch transfer-learning tutorial) when
 * {@code data/hymenoptera} is missing: downloads the official zip, unpacks it beside the target and checks
 * the {@link DataFingerprint} of what it unpacked against the known one before moving it into place. The
 * fingerprint covers every image's bytes, so a changed or truncated download is refused, never used.
 * Where the host is unreachable, the error says how to supply the folder by hand.
 */
public final class DatasetFetcher {
    public static final String HYMENOPTERA_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip";
    /** DataFingerprint of the official dataset (244 train, 153 val, 2 classes); the .gif is skipped and not part of it. */
    public static final String HYMENOPTERA_FINGERPRINT = "49bc848d9af2bea99d62c3bf93cda7ce68b091280ce0625c63109510a761b6a5";

    private DatasetFetcher() {}

    public static boolean isQuickstartData(Path dir) {
        return dir.normalize().endsWith(Path.of("data", "hymenoptera"));
    }

    public static void fetchHymenoptera(Path target, PrintWriter log) {
        fetch(target, HYMENOPTERA_URL, HYMENOPTERA_FINGERPRINT, log);
    }

    /** Downloads the zip at {@code url}, which holds {@code hymenoptera_data/{train,val}}, into {@code target}. */
    static void fetch(Path target, String url, String expectedFingerprint, PrintWriter log) {
        String fix = "Fix: download " + url + " yourself and unzip it so that " + target
                + "/train and " + target + "/val exist, or link an existing copy: ln -s /path/to/hymenoptera " + target;
        Path parent = target.toAbsolutePath().getParent();
        Path zip = parent.resolve("hymenoptera_data.zip.part");
        Path tmp = parent.resolve(".hymenoptera.tmp");
        try {
            Files.createDirectories(parent);
            log.printf("%s is missing: downloading %s%n", target, url);
            log.flush();
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(15)).build();
            HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofFile(zip));
            if (r.statusCode() != 200) throw new DataException(target + ": missing, and the download failed (HTTP " + r.statusCode() + "). " + fix);
            dev.tl.run.AtomicFiles.deleteTree(tmp);
            unzip(zip, tmp);
            Path root = tmp.resolve("hymenoptera_data");
            DatasetSplit split = ImageFolder.scan(root, 0.2, 0);
            String fp = DataFingerprint.of(root, split).sha256();
            if (!fp.equals(expectedFingerprint)) {
                throw new DataException(target + ": the downloaded dataset does not match the expected fingerprint (" + fp.substring(0, 12) + "...). " + fix);
            }
            Files.move(root, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DataException(target + ": missing, and " + url + " could not be fetched (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). " + fix);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException(target + ": download interrupted. " + fix);
        } finally {
            try {
                Files.deleteIfExists(zip);
                dev.tl.run.AtomicFiles.deleteTree(tmp);
            } catch (IOException ignored) {
                // best effort cleanup of our own temporary files; the error that matters was already raised
            }
        }
    }

    private static void unzip(Path zip, Path dest) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path out = dest.resolve(e.getName()).normalize();
                if (!out.startsWith(dest)) throw new IOException("unsafe path in zip: " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy((InputStream) in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
