package dev.tl.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * @param dir  parent of run directories
 * @param name optional run-name prefix (null: derived by the run layer), restricted to
 *             {@code [A-Za-z0-9._-]{1,64}} because it becomes part of a directory name on every OS
 */
public record OutputConfig(Path dir, String name) {
    public OutputConfig {
        Objects.requireNonNull(dir, "dir");
    }
}
