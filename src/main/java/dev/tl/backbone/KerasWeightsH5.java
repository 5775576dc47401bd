package dev.tl.backbone;

import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.DataType;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_RDONLY;
import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_TRUNC;
import static org.bytedeco.hdf5.global.hdf5.H5T_STRING;
import static org.bytedeco.hdf5.global.hdf5.H5free_memory;

/**
 * Reads and writes Keras 2 "weights-only" HDF5 files ({@code model.save_weights(...)}, the layout of the
 * official {@code *_tf_dim_ordering_tf_kernels[_notop].h5} files), without the model config.
 *
 * <p>Layout (Keras 2.x {@code save_weights_to_hdf5_group}): root attributes {@code layer_names} (array of
 * fixed-length byte strings, every layer of the model in order, weightless ones included),
 * {@code backend} and {@code keras_version} (byte strings); one group per layer carrying the attribute
 * {@code weight_names} (the TF variable names, e.g. {@code block1_conv1/kernel:0}, possibly uniquified like
 * {@code fire2/squeeze1x1_3/kernel:0}) and one dataset per weight at {@code <layer>/<weight name>}, in
 * Keras's own array layout (conv kernels HWIO, dense kernels [in, out]).
 *
 * <p>DL4J's own HDF5 weight reader guesses dataset paths from these names and breaks on layer names that
 * contain '/' (SqueezeNet's {@code fire2/squeeze1x1}); this class follows {@code layer_names} and
 * {@code weight_names} exactly as Keras's loader does, so any file Keras can load, we can load.
 * Access to the HDF5 library is serialized on DL4J's lock, because the native library is not thread-safe.
 */
public final class KerasWeightsH5 {

    /** One weight array in Keras layout, {@code data} row-major over {@code shape}. */
    public record Weight(String name, long[] shape, float[] data) {
        /** The parameter name without layer prefix and TF suffix: {@code kernel}, {@code bias}, {@code gamma}, ... */
        public String param() {
            String n = name.substring(name.lastIndexOf('/') + 1);
            int colon = n.indexOf(':');
            return colon < 0 ? n : n.substring(0, colon);
        }
    }

    /** A whole weights file: layers in file order, each with its weights in {@code weight_names} order. */
    public record Contents(String kerasVersion, String backend, LinkedHashMap<String, List<Weight>> layers) {
        public long paramCount() {
            long n = 0;
            for (List<Weight> ws : layers.values()) for (Weight w : ws) n += w.data().length;
            return n;
        }
    }

    private KerasWeightsH5() {}

    /** Reads every weight of the file; a file that is not a Keras weights file fails naming it. */
    public static Contents read(Path file) {
        if (!Files.isRegularFile(file)) throw new WeightsException(file + ": no such file");
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            H5File f;
            try {
                f = new H5File(file.toString(), H5F_ACC_RDONLY());
            } catch (RuntimeException e) {
                throw new WeightsException(file + ": not a readable HDF5 file (" + TfjsLayersModel.firstLine(e.getMessage()) + ")");
            }
            try {
                Group root = f;
                if (!f.attrExists("layer_names") && f.nameExists("model_weights")) {
                    root = f.openGroup("model_weights"); // a full model file: weights live under model_weights
                }
                if (!root.attrExists("layer_names")) {
                    throw new WeightsException(file + ": not a Keras weights file (no layer_names attribute)");
                }
                String kv = root.attrExists("keras_version") ? readStrings(root, "keras_version").get(0) : "1";
                String be = root.attrExists("backend") ? readStrings(root, "backend").get(0) : "tensorflow";
                LinkedHashMap<String, List<Weight>> layers = new LinkedHashMap<>();
                for (String layer : readStrings(root, "layer_names")) {
                    Group g = root.openGroup(layer);
                    try {
                        List<Weight> ws = new ArrayList<>();
                        for (String wn : readStrings(g, "weight_names")) ws.add(readDataSet(g, wn, file, layer));
                        layers.put(layer, ws);
                    } finally {
                        release(g);
                    }
                }
                if (root != f) release(root);
                return new Contents(kv, be, layers);
            } catch (RuntimeException e) {
                if (e instanceof WeightsException) throw e;
                throw new WeightsException(file + ": unreadable Keras weights file (" + TfjsLayersModel.firstLine(e.getMessage()) + ")");
            } finally {
                release(f);
            }
        }
    }

    /**
     * Writes a weights file exactly as Keras 2.x {@code save_weights} lays it out (see the class comment);
     * {@code layers} lists every layer, weightless ones with an empty list.
     */
    public static void write(Path file, Contents contents) {
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            H5File f = new H5File(file.toString(), H5F_ACC_TRUNC());
            try {
                writeStrings(f, "layer_names", new ArrayList<>(contents.layers().keySet()), false);
                writeStrings(f, "backend", List.of(contents.backend()), true);
                writeStrings(f, "keras_version", List.of(contents.kerasVersion()), true);
                for (var e : contents.layers().entrySet()) {
                    // h5py creates intermediate groups ("fire2" of "fire2/squeeze1x1", "block1_conv1" of
                    // "block1_conv1/kernel:0") implicitly; HDF5's C++ API needs them created one by one
                    List<Group> layerPath = createPath(f, e.getKey().split("/"));
                    Group g = layerPath.get(layerPath.size() - 1);
                    try {
                        writeStrings(g, "weight_names", e.getValue().stream().map(Weight::name).toList(), false);
                        for (Weight w : e.getValue()) {
                            String[] parts = w.name().split("/");
                            List<Group> opened = createPath(g, java.util.Arrays.copyOf(parts, parts.length - 1));
                            Group parent = opened.isEmpty() ? g : opened.get(opened.size() - 1);
                            DataSpace space = new DataSpace(w.shape().length, w.shape());
                            DataSet ds = parent.createDataSet(parts[parts.length - 1], PredType.IEEE_F32LE(), space);
                            ds.write(new FloatPointer(w.data()), PredType.NATIVE_FLOAT());
                            release(ds);
                            release(space);
                            closeAll(opened);
                        }
                    } finally {
                        closeAll(layerPath);
                    }
                }
            } finally {
                release(f);
            }
        }
    }

    /** Opens or creates each group of {@code names} below {@code parent}; returns them outermost first. */
    private static List<Group> createPath(Group parent, String[] names) {
        List<Group> out = new ArrayList<>();
        Group g = parent;
        for (String n : names) {
            g = g.nameExists(n) ? g.openGroup(n) : g.createGroup(n);
            out.add(g);
        }
        return out;
    }

    private static void closeAll(List<Group> groups) {
        for (int i = groups.size() - 1; i >= 0; i--) release(groups.get(i));
    }

    private static Weight readDataSet(Group g, String name, Path file, String layer) {
        if (!g.nameExists(name.split("/")[0])) {
            throw new WeightsException(file + ": layer '" + layer + "' lists weight '" + name + "' but has no such dataset");
        }
        DataSet ds = g.openDataSet(name);
        try {
            DataSpace space = ds.getSpace();
            int rank = space.getSimpleExtentNdims();
            long[] dims = new long[rank];
            space.getSimpleExtentDims(dims);
            long n = 1;
            for (long d : dims) n *= d;
            float[] data = new float[Math.toIntExact(n)];
            FloatPointer fp = new FloatPointer(n);
            ds.read(fp, PredType.NATIVE_FLOAT());
            fp.get(data);
            fp.close();
            release(space);
            return new Weight(name, dims, data);
        } finally {
            release(ds);
        }
    }

    /** Fixed-length or variable-length string attribute, scalar or 1-D, as a list. */
    static List<String> readStrings(Group g, String attr) {
        Attribute a = g.openAttribute(attr);
        DataType t = null;
        StrType st = null;
        try {
            t = a.getDataType();
            DataSpace s = a.getSpace();
            long n = s.getSimpleExtentNpoints();
            release(s);
            List<String> out = new ArrayList<>();
            if (n == 0) return out;
            if (t._getClass() != H5T_STRING) {
                throw new WeightsException("attribute '" + attr + "' is not a string");
            }
            st = a.getStrType();
            if (st.isVariableStr()) {
                // h5py writes Python str values as variable-length strings: an array of char* that HDF5
                // allocates and the caller frees
                PointerPointer<BytePointer> pp = new PointerPointer<>(n);
                a.read(st, pp);
                for (int i = 0; i < n; i++) {
                    BytePointer p = pp.get(BytePointer.class, i);
                    out.add(p == null ? "" : p.getString(StandardCharsets.UTF_8));
                    if (p != null) H5free_memory(p);
                }
                pp.close();
                return out;
            }
            int len = Math.toIntExact(t.getSize());
            byte[] buf = new byte[Math.toIntExact(len * n)];
            BytePointer bp = new BytePointer(buf.length);
            a.read(t, (Pointer) bp); // the BytePointer overload is H5std_string&: it would read one string only
            bp.get(buf);
            bp.close();
            for (int i = 0; i < n; i++) {
                int end = i * len;
                while (end < (i + 1) * len && buf[end] != 0) end++;
                out.add(new String(buf, i * len, end - i * len, StandardCharsets.UTF_8));
            }
            return out;
        } finally {
            release(st);
            release(t);
            release(a);
        }
    }

    /**
     * Closes an HDF5 object and frees its C++ wrapper now. Left to the garbage collector, JavaCPP's
     * deallocator thread would run the wrapper's destructor (an HDF5 call) concurrently with HDF5 calls on
     * this thread, and the HDF5 library is not thread-safe: reads then failed at random ("H5Dread failed").
     */
    private static void release(Pointer o) {
        if (o == null || o.isNull()) return;
        if (o instanceof org.bytedeco.hdf5.H5File h) h.close();
        else if (o instanceof org.bytedeco.hdf5.Group g) g.close();
        else if (o instanceof org.bytedeco.hdf5.DataSet d) d.close();
        else if (o instanceof org.bytedeco.hdf5.Attribute a) a.close();
        else if (o instanceof org.bytedeco.hdf5.DataSpace sp) sp.close();
        else if (o instanceof DataType dt) dt.close();
        o.deallocate();
    }

    /** As h5py stores numpy byte strings: fixed-length, NUL-padded, length of the longest (at least 1). */
    private static void writeStrings(Group g, String attr, List<String> values, boolean scalar) {
        int len = 1;
        for (String v : values) len = Math.max(len, v.getBytes(StandardCharsets.UTF_8).length);
        StrType t = new StrType(PredType.C_S1(), len);
        DataSpace s = scalar ? new DataSpace() : new DataSpace(1, new long[]{values.size()});
        Attribute a = g.createAttribute(attr, t, s);
        if (!values.isEmpty()) {
            byte[] buf = new byte[len * values.size()];
            for (int i = 0; i < values.size(); i++) {
                byte[] b = values.get(i).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(b, 0, buf, i * len, b.length);
            }
            BytePointer bp = new BytePointer(buf);
            a.write(t, (Pointer) bp); // as above: the BytePointer overload writes one std::string
            bp.close();
        }
        release(a);
        release(s);
        release(t);
    }
}
