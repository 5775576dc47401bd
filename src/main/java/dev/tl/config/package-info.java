/**
 * Training configs: YAML files (snake_case keys) read into immutable records, validated completely at load
 * time so that a mistake costs milliseconds, not a failed run. Entry point: {@link dev.tl.config.ConfigLoader}.
 * <p>
 * Every error is a {@link dev.tl.config.ConfigException} whose message is one line of the form
 * {@code file: yaml.path: problem; fix}. Stage names are checked against the backbone registry
 * ({@link dev.tl.backbone.Backbones}), never against a list kept here, so new backbones need no change in
 * this package. Example configs live in {@code configs/}; {@code configs/quickstart.yaml} is also embedded as a
 * classpath resource so {@code tl} works without a checkout.
 */
package dev.tl.config;
