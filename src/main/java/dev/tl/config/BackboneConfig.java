package dev.tl.config;

import java.util.Objects;

/** @param name registry name of the pretrained backbone ({@link dev.tl.backbone.Backbones}) */
public record BackboneConfig(String name) {
    public BackboneConfig {
        Objects.requireNonNull(name, "name");
    }
}
