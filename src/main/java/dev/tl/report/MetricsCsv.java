package dev.tl.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a run's {@code metrics.csv} (columns of {@code Listeners.Csv.HEADER}) for the learning curves.
 *
 * <p>Why by column name: the CSV may gain columns later; looking columns up in the header keeps old and new
 * run directories readable. Unparsable numbers become NaN (a gap in the curve) rather than an error: a
 * report must not fail because one epoch logged a NaN loss.
 */
final class MetricsCsv {
    private MetricsCsv() {}

    /** One epoch of training. */
    record Epoch(int epoch, String phase, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy) {}

    /** Where a progressive run switches phase: between epoch {@code x - 0.5} and {@code x + 0.5}. */
    record PhaseChange(double x, String phase) {}

    static List<Epoch> read(Path csv) throws IOException {
        return parse(Files.readAllLines(csv));
    }

    static List<Epoch> parse(List<String> lines) {
        if (lines.isEmpty()) return List.of();
        List<String> header = Arrays.asList(lines.get(0).trim().split(","));
        int epoch = col(header, "epoch"), phase = col(header, "phase"), tl = col(header, "train_loss"),
                ta = col(header, "train_accuracy"), vl = col(header, "val_loss"), va = col(header, "val_accuracy");
        List<Epoch> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] f = line.split(",", -1);
            out.add(new Epoch(Integer.parseInt(f[epoch].trim()), f[phase].trim(), d(f, tl), d(f, ta), d(f, vl), d(f, va)));
        }
        return out;
    }

    /**
     * One change per place where the phase differs from the previous epoch's (the first phase starts the run
     * and gets no marker), placed halfway between the two epochs and named after the phase that begins.
     */
    static List<PhaseChange> phaseChanges(List<Epoch> epochs) {
        List<PhaseChange> out = new ArrayList<>();
        for (int i = 1; i < epochs.size(); i++) {
            Epoch prev = epochs.get(i - 1), cur = epochs.get(i);
            if (!cur.phase().equals(prev.phase())) out.add(new PhaseChange((prev.epoch() + cur.epoch()) / 2.0, cur.phase()));
        }
        return out;
    }

    private static int col(List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("metrics.csv: no column '" + name + "' in header " + header);
        return i;
    }

    private static double d(String[] f, int i) {
        if (i >= f.length) return Double.NaN;
        try {
            return Double.parseDouble(f[i].trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
