package dev.tl.config;

import java.util.List;
import java.util.Objects;

/**
 * One phase of progressive unfreezing.
 *
 * @param name             label for logs and metrics
 * @param unfreeze         backbone stages unfrozen at the start of this phase, in addition to those of earlier
 *                         phases (top-down order)
 * @param epochs           epochs of this phase
 * @param lr               head learning rate in this phase
 * @param backboneLrFactor unfrozen backbone stages train at {@code lr * backboneLrFactor} (unless
 *                         {@code strategy.stage_lr} names them)
 */
public record PhaseConfig(String name, List<String> unfreeze, int epochs, double lr, double backboneLrFactor) {
    public PhaseConfig {
        Objects.requireNonNull(name, "name");
        unfreeze = List.copyOf(unfreeze);
    }
}
