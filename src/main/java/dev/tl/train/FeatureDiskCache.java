package dev.tl.train;

import dev.tl.run.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Frozen-backbone features on disk, one small file per image and view, so that a second run on the same
 * data, weights and preprocessing skips the backbone entirely. The key hashes everything the features
 * depend on: the weights' identity, the preprocessing, the cut vertex, the augmentation view and seed,
 * and the image's content; a changed image or model therefore misses instead of returning stale values.
 * Files are written atomically; an unreadable or wrong-sized file is treated as a miss and rewritten.
 */
public final class FeatureDiskCache {
    private static final int MAGIC = 0x544C4631; // "TLF1"
    private final Path dir;
    private final String scope;

    /**
     * @param dir   cache folder
     * @param scope everything but the image and view that the features depend on
     */
    public FeatureDiskCache(Path dir, String scope) {
        this.dir = dir;
        this.scope = scope;
    }

    public Path dir() {
        return dir;
    }

    Path file(String contentId, int view, long seed) {
        String key = dev.tl.run.Hashing.sha256Hex(scope + "|" + contentId + "|view" + view + (view == 0 ? "" : "|seed" + seed));
        return dir.resolve(key.substring(0, 2)).resolve(key + ".f32");
    }

    /** The cached features of one image ([1, ...] shaped), or null on a miss. */
    public INDArray get(String contentId, int view, long seed) {
        Path f = file(contentId, view, seed);
        if (!Files.isRegularFile(f)) return null;
        try (InputStream raw = Files.newInputStream(f); DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            if (in.readInt() != MAGIC) return null;
            int rank = in.readInt();
            if (rank < 1 || rank > 8) return null;
            long[] shape = new long[rank];
            long n = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = in.readLong();
                n *= shape[i];
            }
            byte[] bytes = in.readNBytes(Math.toIntExact(4 * n));
            if (bytes.length != 4 * n) return null;
            float[] data = new float[(int) n];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
            return Nd4j.create(data, shape, 'c');
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public void put(String contentId, int view, long seed, INDArray features) throws IOException {
        Path f = file(contentId, view, seed);
        INDArray a = features.castTo(DataType.FLOAT).dup('c');
        float[] data = a.data().asFloat();
        AtomicFiles.write(f, tmp -> {
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeInt(MAGIC);
                out.writeInt(a.rank());
                for (long s : a.shape()) out.writeLong(s);
                ByteBuffer bb = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(data);
                out.write(bb.array());
            }
        });
    }
}
