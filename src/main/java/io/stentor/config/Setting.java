package io.stentor.config;

import java.util.Locale;

/**
 * One configurable value: its key in a config file ({@code http.port}), its default, and what it
 * means. The environment variable ({@code STENTOR_HTTP_PORT}) and the command-line flag
 * ({@code --http-port}) are derived from the key, so the three sources can never disagree.
 */
public record Setting(String key, String defaultValue, String description) {

    public String environmentVariable() {
        return "STENTOR_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String flag() {
        return "--" + key.replace('.', '-');
    }
}
