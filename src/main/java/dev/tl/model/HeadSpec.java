package dev.tl.model;

import java.util.List;

/**
 * The new classifier put on a backbone's features: hidden dense layers (ReLU) with dropout after each,
 * then a softmax output. No hidden layers means a linear softmax classifier (multinomial logistic
 * regression on the features), the classic feature-extraction head.
 */
public record HeadSpec(List<Integer> hidden, double dropout) {
    public HeadSpec {
        hidden = List.copyOf(hidden);
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("dropout must be in [0,1)");
    }

    public static HeadSpec linear() {
        return new HeadSpec(List.of(), 0);
    }
}
