package io.stentor.config;

/** A setting that is missing, unknown or malformed; the message names the setting and the fix. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
