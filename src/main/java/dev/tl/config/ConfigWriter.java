package dev.tl.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link TlConfig} as a YAML tree in the file schema (snake_case, schema order). Keys that do not apply to
 * the strategy are left out, so the tree reads back to the same config.
 */
final class ConfigWriter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ConfigWriter() {}

    static ObjectNode tree(TlConfig c) {
        ObjectNode root = F.objectNode();
        root.putObject("backbone").put("name", c.backbone().name());

        ObjectNode d = root.putObject("data");
        DataConfig data = c.data();
        d.put("dir", data.dir().toString());
        d.put("val_fraction", data.valFraction());
        d.put("split_seed", data.splitSeed());
        d.put("workers", data.workers());
        ObjectNode a = d.putObject("augment");
        a.put("flip", data.augment().flip());
        a.put("min_scale", data.augment().minScale());
        a.put("views", data.augment().views());

        StrategyConfig s = c.strategy();
        ObjectNode st = root.putObject("strategy");
        st.put("name", s.name().id());
        ObjectNode h = st.putObject("head");
        ArrayNode hidden = h.putArray("hidden");
        s.head().hidden().forEach(hidden::add);
        h.put("dropout", s.head().dropout());
        if (s.unfreezeFrom() != null) st.put("unfreeze_from", s.unfreezeFrom());
        st.put("backbone_lr_factor", s.backboneLrFactor());
        if (!s.stageLr().isEmpty()) {
            ObjectNode lr = st.putObject("stage_lr");
            s.stageLr().forEach(lr::put);
        }
        st.put("batchnorm", s.batchnorm().id());
        if (!s.phases().isEmpty()) {
            ArrayNode phases = st.putArray("phases");
            for (PhaseConfig p : s.phases()) {
                ObjectNode pn = phases.addObject();
                pn.put("name", p.name());
                ArrayNode u = pn.putArray("unfreeze");
                p.unfreeze().forEach(u::add);
                pn.put("epochs", p.epochs());
                pn.put("lr", p.lr());
                pn.put("backbone_lr_factor", p.backboneLrFactor());
            }
        }

        TrainingConfig t = c.training();
        ObjectNode tr = root.putObject("training");
        tr.put("epochs", t.epochs());
        tr.put("batch_size", t.batchSize());
        tr.put("optimizer", t.optimizer().id());
        tr.put("lr", t.lr());
        tr.put("momentum", t.momentum());
        tr.put("weight_decay", t.weightDecay());
        tr.put("seed", t.seed());
        tr.put("select", t.select().id());
        tr.put("class_weights", t.classWeights().id());

        ObjectNode o = root.putObject("output");
        o.put("dir", c.output().dir().toString());
        if (c.output().name() != null) o.put("name", c.output().name());
        return root;
    }
}
