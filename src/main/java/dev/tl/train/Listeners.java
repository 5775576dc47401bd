package dev.tl.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tl.run.AtomicFiles;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Ready-made listeners: progress on stderr, per-epoch CSV, checkpoints. */
public final class Listeners {
    private Listeners() {}

    /**
     * Progress lines: phase, epoch, batch, loss, images/s, ETA, and the time spent waiting for data.
     *
     * <p>The ETA is the wall time per epoch of the epochs run in this process (since this listener was made,
     * just before training starts, so it includes their feature computation and checkpoints) times the epochs
     * left in the whole plan, all phases included. After {@code --resume} the epochs done before the kill are
     * left out of both: their time was spent in another process, and they are not left to do.
     */
    public static final class Progress implements TrainingListener {
        private final PrintWriter err;
        private final int totalEpochs;
        private final java.util.function.LongSupplier nanoClock;
        private final long start;
        private long lastPrint;
        /** Epochs completed in this process (not counting those a resumed run did before). */
        private int epochsHere;

        public Progress(PrintWriter err, int totalEpochs) {
            this(err, totalEpochs, System::nanoTime);
        }

        Progress(PrintWriter err, int totalEpochs, java.util.function.LongSupplier nanoClock) {
            this.err = err;
            this.totalEpochs = totalEpochs;
            this.nanoClock = nanoClock;
            this.start = nanoClock.getAsLong();
        }

        /**
         * Seconds left after epoch {@code epoch} (counted from 1 over all phases), at {@code elapsed} seconds
         * after {@code epochsHere} epochs of this process.
         */
        static double eta(double elapsed, int epochsHere, int epoch, int totalEpochs) {
            return elapsed / Math.max(epochsHere, 1) * Math.max(totalEpochs - epoch, 0);
        }

        @Override
        public void onPhaseStart(int phaseIndex, PhasePlan phase, String boundary) {
            err.printf(Locale.ROOT, "phase %d '%s': training from %s (cut at %s), %d epochs, head lr %.2g%n",
                    phaseIndex + 1, phase.name(), phase.trainableFrom(), boundary, phase.epochs(), phase.headLr());
            err.flush();
        }

        @Override
        public void onFeaturize(PhasePlan phase, String split, int done, int total, double seconds, boolean fromDisk) {
            long now = nanoClock.getAsLong();
            if (done < total && now - lastPrint < 2_000_000_000L) return;
            lastPrint = now;
            if (fromDisk) {
                err.printf(Locale.ROOT, "  %s: %d frozen feature sets loaded from the disk cache in %.1fs%n", split, total, seconds);
            } else {
                double rate = done / Math.max(seconds, 1e-9);
                err.printf(Locale.ROOT, "  %s: frozen layers %d/%d images, %.1f img/s%s%n", split, done, total, rate,
                        done < total ? String.format(Locale.ROOT, ", ETA %.0fs", (total - done) / Math.max(rate, 1e-9)) : String.format(Locale.ROOT, " (%.1fs)", seconds));
            }
            err.flush();
        }

        @Override
        public void onMemoryEstimate(PhasePlan phase, MemoryEstimate e, String unavailable) {
            if (e == null) {
                err.printf("  memory: no estimate (%s)%n", unavailable);
            } else {
                err.printf(Locale.ROOT, "  memory: a training step needs about %.1f MiB at batch %d; up to batch %d fits in the %d MiB left%s%n",
                        e.bytesAtBatch() / 1048576.0, e.batch(), e.maxBatch(), e.availableBytes() >> 20,
                        e.fits() ? "" : " (WARNING: batch " + e.batch() + " may not fit; try --batch-size " + Math.max(1, e.maxBatch()) + ")");
            }
            err.flush();
        }

        @Override
        public void onBatchEnd(PhasePlan phase, int epoch, int batch, int batches, double loss, int images, double seconds, double waitSeconds) {
            long now = nanoClock.getAsLong();
            if (batch < batches && now - lastPrint < 5_000_000_000L) return;
            lastPrint = now;
            if (batch < batches) {
                err.printf(Locale.ROOT, "  epoch %d batch %d/%d loss %.4f %.1f img/s%n", epoch, batch, batches, loss, images / Math.max(seconds, 1e-9));
                err.flush();
            }
        }

        @Override
        public void onEpochEnd(EpochResult r, Trainer.State state) {
            epochsHere++;
            double eta = eta((nanoClock.getAsLong() - start) / 1e9, epochsHere, r.epoch(), totalEpochs);
            err.printf(Locale.ROOT, "[%s] epoch %d/%d  train loss %.4f acc %.3f | val loss %.4f acc %.3f%s | %.1fs (%.0f img/s, data wait %.1fs) ETA %.0fs%n",
                    r.phase(), r.epoch(), totalEpochs, r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy(),
                    state.improved() ? " *" : "", r.seconds(), r.imagesPerSecond(), r.dataWaitSeconds(), eta);
            err.flush();
        }
    }

    /** metrics.csv, one row per epoch, rewritten atomically so a reader never sees half a row. */
    public static final class Csv implements TrainingListener {
        public static final String HEADER = "phase_index,phase,epoch,phase_epoch,train_loss,train_accuracy,val_loss,val_accuracy,head_lr,seconds,featurize_seconds,images_per_second,data_wait_seconds,process_seconds";
        private final Path file;
        private final List<String> rows = new ArrayList<>();

        public Csv(Path file) {
            this.file = file;
        }

        /**
         * For a resumed run: keeps the rows of {@code file} up to {@code lastEpoch} (the checkpoint's epoch)
         * and appends after them. Rows past the checkpoint belong to epochs that are about to be redone (the
         * kill came between the csv write and the checkpoint write), so they are dropped.
         */
        public Csv(Path file, int lastEpoch) throws IOException {
            this.file = file;
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file)) {
                    if (line.isBlank() || line.startsWith("phase_index")) continue;
                    String[] f = line.split(",");
                    if (f.length > 2 && Integer.parseInt(f[2]) <= lastEpoch) rows.add(line);
                }
            }
        }

        @Override
        public void onEpochEnd(EpochResult r, Trainer.State state) {
            // process_seconds: since this JVM started, so time-to-accuracy includes start-up, model load and
            // the frozen pass, as a user waits for it (after a resume: since the resuming process started).
            double processSeconds = (System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
            rows.add(String.format(Locale.ROOT, "%d,%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f,%.3f,%.2f,%.3f,%.3f", r.phaseIndex(), r.phase(), r.epoch(), r.phaseEpoch(),
                    r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy(), r.headLr(), r.seconds(), r.featurizeSeconds(), r.imagesPerSecond(), r.dataWaitSeconds(),
                    processSeconds));
            try {
                AtomicFiles.writeString(file, HEADER + "\n" + String.join("\n", rows) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code checkpoints/last.zip} after every epoch and {@code best.zip} when validation accuracy improves:
     * the parameters of every layer trained so far (the current tail holds all of them, since phases
     * unfreeze top down), the tail's optimizer state, and the phase/epoch position. Frozen layers are not
     * stored: they are the pretrained backbone, identified by its checksum in provenance.
     */
    public static final class Checkpoints implements TrainingListener {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Path dir;

        public Checkpoints(Path dir) {
            this.dir = dir;
        }

        @Override
        public void onEpochEnd(EpochResult r, Trainer.State s) {
            try {
                Path last = dir.resolve("last.zip");
                write(last, r, s);
                if (s.improved()) AtomicFiles.write(dir.resolve("best.zip"), tmp -> Files.copy(last, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write checkpoint in " + dir + ": " + e.getMessage(), e);
            }
        }

        private static void write(Path target, EpochResult r, Trainer.State s) throws IOException {
            ComputationGraph tail = s.tail();
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("format", 1);
            state.put("phase_index", s.phaseIndex());
            state.put("phase", r.phase());
            state.put("phase_epoch", s.phaseEpoch());
            state.put("epoch", s.epoch());
            state.put("val_accuracy", r.valAccuracy());
            state.put("val_loss", r.valLoss());
            state.put("best_val_accuracy", s.bestValAccuracy());
            state.put("best_epoch", s.bestEpoch());
            state.put("iteration_count", tail.getConfiguration().getIterationCount());
            state.put("epoch_count", tail.getConfiguration().getEpochCount());
            List<String> layers = new ArrayList<>();
            AtomicFiles.write(target, tmp -> {
                try (ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
                    // Stored, not deflated: weights and Adam moments barely compress, and deflating them cost
                    // seconds per epoch for a ResNet50 stage.
                    zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
                    for (Layer l : tail.getLayers()) {
                        if (l.numParams() == 0) continue;
                        String name = l.conf().getLayer().getLayerName();
                        layers.add(name);
                        zip.putNextEntry(new ZipEntry("params/" + name + ".bin"));
                        writeArray(zip, l.params());
                        zip.closeEntry();
                    }
                    INDArray upd = tail.getUpdater() == null ? null : tail.getUpdater().getStateViewArray();
                    if (upd != null) {
                        zip.putNextEntry(new ZipEntry("updater.bin"));
                        writeArray(zip, upd);
                        zip.closeEntry();
                    }
                    if (s.valProbabilities() != null) {
                        zip.putNextEntry(new ZipEntry("val_probabilities.bin"));
                        writeArray(zip, Nd4j.create(s.valProbabilities()));
                        zip.closeEntry();
                    }
                    state.put("layers", layers);
                    zip.putNextEntry(new ZipEntry("state.json"));
                    zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
                    zip.closeEntry();
                }
            });
        }

        private static void writeArray(ZipOutputStream zip, INDArray a) throws IOException {
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(zip, 1 << 20));
            Nd4j.write(a, out);
            out.flush();
        }
    }

    /**
     * Stops training with an exception right after epoch {@code epoch} (placed after {@link Checkpoints}, so
     * that epoch's checkpoint exists): how the tests simulate a crash at a chosen point. Null: never stops.
     */
    public static final class HaltAfter implements TrainingListener {
        private final Integer epoch;

        public HaltAfter(Integer epoch) {
            this.epoch = epoch;
        }

        @Override
        public void onEpochEnd(EpochResult r, Trainer.State state) {
            if (epoch != null && r.epoch() == epoch) throw new IllegalStateException("halted after epoch " + epoch + " (--halt-after-epoch)");
        }
    }
}
