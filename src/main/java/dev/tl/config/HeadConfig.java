package dev.tl.config;

import java.util.List;

/**
 * The new classifier head attached at the backbone's feature vertex.
 *
 * @param hidden  sizes of dense hidden layers before the output layer; empty means a linear (softmax) head
 * @param dropout dropout on the input of each head layer
 */
public record HeadConfig(List<Integer> hidden, double dropout) {
    public HeadConfig {
        hidden = List.copyOf(hidden);
    }
}
