package dev.tl.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts, built with JFreeChart and rendered to PNG.
 *
 * <p>Why separate builders returning {@link JFreeChart}: tests can inspect the plot (markers, annotations)
 * without decoding pixels, and {@link #png} is the only place that rasterizes. All charts use the same size
 * so the HTML page lines them up. Rendering needs no display: the caller runs with
 * {@code java.awt.headless=true} ({@link RunReport} sets it).
 */
final class Charts {
    static final int WIDTH = 900;
    static final int HEIGHT = 600;

    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VAL = new Color(0xd62728);
    private static final Color MARKER = new Color(0x555555);

    private Charts() {}

    /** PNG bytes of {@code chart} at {@link #WIDTH} x {@link #HEIGHT}. */
    static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return out.toByteArray();
    }

    // ---- learning curves ----------------------------------------------------------------------------------

    /**
     * Loss (top) and accuracy (bottom) per epoch, train and validation, sharing the epoch axis; each phase
     * change of a progressive run is a vertical dashed marker in both panels, labelled with the phase that
     * starts there in the top panel (so the label is drawn once).
     */
    static JFreeChart learningCurves(List<MetricsCsv.Epoch> epochs) {
        XYSeries trainLoss = new XYSeries("train loss"), valLoss = new XYSeries("val loss");
        XYSeries trainAcc = new XYSeries("train accuracy"), valAcc = new XYSeries("val accuracy");
        for (MetricsCsv.Epoch e : epochs) {
            trainLoss.add(e.epoch(), e.trainLoss());
            valLoss.add(e.epoch(), e.valLoss());
            trainAcc.add(e.epoch(), e.trainAccuracy());
            valAcc.add(e.epoch(), e.valAccuracy());
        }
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setAutoRangeIncludesZero(false);
        if (epochs.size() == 1) {
            epochAxis.setRange(epochs.get(0).epoch() - 0.5, epochs.get(0).epoch() + 0.5);
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(12);
        NumberAxis lossAxis = new NumberAxis("loss");
        lossAxis.setAutoRangeIncludesZero(false); // from zero, a small but real improvement looks flat
        XYPlot loss = new XYPlot(new XYSeriesCollection(), null, lossAxis, lineRenderer());
        ((XYSeriesCollection) loss.getDataset()).addSeries(trainLoss);
        ((XYSeriesCollection) loss.getDataset()).addSeries(valLoss);
        NumberAxis accAxis = new NumberAxis("accuracy");
        accAxis.setRange(0, 1.02);
        XYSeriesCollection accData = new XYSeriesCollection();
        accData.addSeries(trainAcc);
        accData.addSeries(valAcc);
        XYPlot acc = new XYPlot(accData, null, accAxis, lineRenderer());
        for (XYPlot p : List.of(loss, acc)) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        List<MetricsCsv.PhaseChange> changes = MetricsCsv.phaseChanges(epochs);
        for (MetricsCsv.PhaseChange c : changes) {
            loss.addDomainMarker(phaseMarker(c, true), Layer.FOREGROUND);
            acc.addDomainMarker(phaseMarker(c, false), Layer.FOREGROUND);
        }
        plot.add(loss, 1);
        plot.add(acc, 1);
        JFreeChart chart = new JFreeChart("Learning curves", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        if (!changes.isEmpty()) {
            List<String> phases = new ArrayList<>();
            phases.add(epochs.get(0).phase());
            changes.forEach(c -> phases.add(c.phase()));
            chart.addSubtitle(new TextTitle("phases: " + String.join(" \u2192 ", phases)));
        }
        return chart;
    }

    private static XYLineAndShapeRenderer lineRenderer() {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, TRAIN);
        r.setSeriesPaint(1, VAL);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(2f));
        return r;
    }

    private static ValueMarker phaseMarker(MetricsCsv.PhaseChange c, boolean labelled) {
        ValueMarker m = new ValueMarker(c.x(), MARKER, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        if (labelled) {
            m.setLabel(c.phase());
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            m.setLabelPaint(MARKER);
            m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        }
        return m;
    }

    // ---- confusion matrix ---------------------------------------------------------------------------------

    /**
     * The text written in each cell: the count itself, {@code labels[true][predicted]}. Kept separate so tests
     * can check that what the picture says is the matrix.
     */
    static String[][] cellLabels(long[][] confusion) {
        String[][] out = new String[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            out[i] = new String[confusion[i].length];
            for (int j = 0; j < confusion[i].length; j++) out[i][j] = Long.toString(confusion[i][j]);
        }
        return out;
    }

    /**
     * Heatmap with true classes down the side (first class on top, as the matrix is printed) and predicted
     * classes along the bottom. Colour is the row-normalized fraction (the recall of that cell), so a rare
     * class's row is as readable as a common one's; the count is written in every cell.
     */
    static JFreeChart confusionHeatmap(List<String> classes, long[][] confusion) {
        int c = classes.size();
        double[] xs = new double[c * c], ys = new double[c * c], zs = new double[c * c];
        String[][] labels = cellLabels(confusion);
        int k = 0;
        for (int t = 0; t < c; t++) {
            long rowSum = 0;
            for (long v : confusion[t]) rowSum += v;
            for (int p = 0; p < c; p++, k++) {
                xs[k] = p;
                ys[k] = t;
                zs[k] = rowSum == 0 ? 0 : (double) confusion[t][p] / rowSum;
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("fraction of true class", new double[][] {xs, ys, zs});
        String[] names = classes.stream().map(s -> clip(s, 18)).toArray(String[]::new);
        SymbolAxis predicted = new SymbolAxis("predicted class", names);
        SymbolAxis truth = new SymbolAxis("true class", names);
        truth.setInverted(true);
        for (SymbolAxis a : List.of(predicted, truth)) {
            a.setGridBandsVisible(false);
            a.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, c > 12 ? 10 : 13));
        }
        if (c > 6) predicted.setVerticalTickLabels(true);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(new BlueScale());
        XYPlot plot = new XYPlot(data, predicted, truth, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOrientation(PlotOrientation.VERTICAL);
        if (c <= 40) {
            Font font = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(9, Math.min(22, 120 / c)));
            k = 0;
            for (int t = 0; t < c; t++) {
                for (int p = 0; p < c; p++, k++) {
                    XYTextAnnotation a = new XYTextAnnotation(labels[t][p], p, t);
                    a.setFont(font);
                    a.setPaint(zs[k] > 0.55 ? Color.WHITE : Color.BLACK);
                    plot.addAnnotation(a);
                }
            }
        }
        JFreeChart chart = new JFreeChart("Confusion matrix (counts; colour = fraction of the true class)",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** White (0) to dark blue (1). */
    private static final class BlueScale implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double v) {
            double f = Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
            return new Color(lerp(247, 8, f), lerp(251, 48, f), lerp(255, 107, f));
        }

        private static int lerp(int a, int b, double f) {
            return (int) Math.round(a + (b - a) * f);
        }
    }

    // ---- reliability --------------------------------------------------------------------------------------

    /**
     * Per-bin accuracy as bars over each confidence bin, the mean confidence of each bin as points, the
     * diagonal of perfect calibration, and the bin's sample count above each bar; ECE in the title. A bar
     * below the diagonal means the model is over-confident there.
     */
    static JFreeChart reliability(List<EvalDoc.Bin> bins, double ece) {
        XYIntervalSeries bars = new XYIntervalSeries("accuracy in bin");
        XYSeries conf = new XYSeries("mean confidence in bin");
        for (EvalDoc.Bin b : bins) {
            if (b.count() == 0) continue;
            double mid = (b.lower() + b.upper()) / 2;
            bars.add(mid, b.lower(), b.upper(), b.accuracy(), 0, b.accuracy());
            conf.add(b.meanConfidence(), b.meanConfidence());
        }
        XYIntervalSeriesCollection barData = new XYIntervalSeriesCollection();
        barData.addSeries(bars);
        XYBarRenderer br = new XYBarRenderer(0.04);
        br.setBarPainter(new StandardXYBarPainter());
        br.setShadowVisible(false);
        br.setDrawBarOutline(true);
        br.setSeriesPaint(0, new Color(0x6baed6));
        br.setSeriesOutlinePaint(0, new Color(0x2171b5));
        NumberAxis x = new NumberAxis("confidence (probability of the predicted class)");
        x.setRange(0, 1);
        x.setTickUnit(new NumberTickUnit(0.1));
        NumberAxis y = new NumberAxis("accuracy");
        y.setRange(0, 1.1);
        y.setTickUnit(new NumberTickUnit(0.1));
        XYPlot plot = new XYPlot(barData, x, y, br);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

        XYSeries diag = new XYSeries("perfect calibration");
        diag.add(0, 0);
        diag.add(1, 1);
        XYSeriesCollection lines = new XYSeriesCollection();
        lines.addSeries(diag);
        lines.addSeries(conf);
        XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer();
        lr.setSeriesLinesVisible(0, true);
        lr.setSeriesShapesVisible(0, false);
        lr.setSeriesPaint(0, Color.DARK_GRAY);
        lr.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        lr.setSeriesLinesVisible(1, false);
        lr.setSeriesShapesVisible(1, true);
        lr.setSeriesPaint(1, new Color(0xd62728));
        plot.setDataset(1, lines);
        plot.setRenderer(1, lr);

        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        for (EvalDoc.Bin b : bins) {
            double mid = (b.lower() + b.upper()) / 2;
            double top = b.count() == 0 ? 0 : b.accuracy();
            XYTextAnnotation a = new XYTextAnnotation("n=" + b.count(), mid, top + 0.03);
            a.setFont(font);
            a.setPaint(b.count() == 0 ? Color.GRAY : Color.BLACK);
            plot.addAnnotation(a);
        }
        JFreeChart chart = new JFreeChart(String.format(Locale.ROOT, "Reliability diagram (ECE %.4f)", ece),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 16)); // room for the last tick label, "1.0"
        return chart;
    }

    /** Accuracy under attack against epsilon (in 8-bit levels), with clean accuracy as a dashed line. */
    static JFreeChart robustness(EvalDoc.Robustness r) {
        XYSeries acc = new XYSeries("accuracy under " + r.attack().toUpperCase(Locale.ROOT));
        for (EvalDoc.Point p : r.points()) acc.add(p.epsilon() * 255, p.accuracy());
        XYSeries clean = new XYSeries("clean accuracy");
        double maxX = Math.max(1, acc.getMaxX());
        clean.add(0, r.cleanAccuracy());
        clean.add(maxX, r.cleanAccuracy());
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(acc);
        data.addSeries(clean);
        XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer();
        lr.setSeriesPaint(0, VAL);
        lr.setSeriesStroke(0, new BasicStroke(2f));
        lr.setSeriesShapesVisible(0, true);
        lr.setSeriesPaint(1, Color.DARK_GRAY);
        lr.setSeriesShapesVisible(1, false);
        lr.setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        NumberAxis x = new NumberAxis("epsilon (8-bit pixel levels, L-infinity)");
        x.setRange(0, maxX * 1.05);
        NumberAxis y = new NumberAxis("accuracy");
        y.setRange(0, 1.05);
        XYPlot plot = new XYPlot(data, x, y, lr);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Accuracy under attack", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }
}
