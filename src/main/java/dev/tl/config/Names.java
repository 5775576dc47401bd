package dev.tl.config;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Lookup of the config-file spelling of enum constants, shared by the config enums. */
final class Names {
    private Names() {}

    static <E extends Enum<E>> E find(Class<E> type, String name, Function<E, String> id, String what) {
        for (E e : type.getEnumConstants()) {
            if (id.apply(e).equals(name)) return e;
        }
        throw new IllegalArgumentException("unknown " + what + " '" + name + "'; valid: " + valid(type, id));
    }

    static <E extends Enum<E>> String valid(Class<E> type, Function<E, String> id) {
        return Arrays.stream(type.getEnumConstants()).map(id).collect(Collectors.joining(", "));
    }
}
