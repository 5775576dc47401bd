package dev.tl.train;

import java.util.Map;

/**
 * One training phase: which stages train (everything from {@code trainableFrom} to the head), for how long
 * and how fast. Every strategy compiles to a list of these; {@code progressive} simply has several.
 *
 * @param name          shown in progress and recorded in checkpoints
 * @param trainableFrom first trainable stage ({@code head} = backbone frozen)
 * @param epochs        epochs in this phase
 * @param headLr        learning rate of the head
 * @param stageLr       learning rate per backbone stage that trains (discriminative rates)
 * @param augment       whether training images are randomly cropped and flipped (cached as views)
 */
public record PhasePlan(String name, String trainableFrom, int epochs, double headLr, Map<String, Double> stageLr, boolean augment) {
    public PhasePlan {
        stageLr = Map.copyOf(stageLr);
    }
}
