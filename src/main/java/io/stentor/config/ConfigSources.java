package io.stentor.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Merges the four sources of settings, later winning: defaults &lt; config file &lt; environment
 * variables &lt; command-line flags. Unknown keys in a config file are an error, so a typo is never
 * silently ignored.
 */
public final class ConfigSources {

    /** The config file read when {@code --config} is not given and the file exists. */
    public static final Path DEFAULT_FILE = Path.of("stentor.properties");

    private ConfigSources() {
    }

    /**
     * @param configFile a properties file, or null to use {@link #DEFAULT_FILE} when present
     * @param env the process environment
     * @param flags values given on the command line, by setting key
     */
    public static StentorConfig load(Path configFile, Map<String, String> env, Map<String, String> flags) {
        Path file = configFile != null ? configFile : (Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null);
        return merge(file == null ? Map.of() : readFile(file), env, flags);
    }

    /** Defaults only, then the given overrides: for tests and embedding. */
    public static StentorConfig defaultsWith(Map<String, String> overrides) {
        return merge(Map.of(), Map.of(), overrides);
    }

    private static StentorConfig merge(Map<String, String> fromFile, Map<String, String> env,
            Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Setting s : Settings.ALL) {
            values.put(s.key(), s.defaultValue());
        }
        values.putAll(fromFile);
        for (Setting s : Settings.ALL) {
            String v = env.get(s.environmentVariable());
            if (v != null) {
                values.put(s.key(), v);
            }
        }
        flags.forEach((key, value) -> {
            if (value != null) {
                values.put(key, value);
            }
        });
        return StentorConfig.from(values);
    }

    private static Map<String, String> readFile(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigException("config file not found: " + file);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (Settings.byKey(key).isEmpty()) {
                throw new ConfigException("unknown setting '" + key + "' in " + file
                        + " (see `stentor serve --help` for the list)");
            }
            out.put(key, p.getProperty(key).trim());
        }
        return out;
    }
}
