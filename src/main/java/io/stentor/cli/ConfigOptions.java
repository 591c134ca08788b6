package io.stentor.cli;

import io.stentor.config.ConfigSources;
import io.stentor.config.Setting;
import io.stentor.config.Settings;
import io.stentor.config.StentorConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Adds one {@code --flag} per setting in {@link Settings#ALL} (plus {@code --config FILE}) to a
 * command, so {@code --help} always lists every setting, and builds the config from them.
 */
final class ConfigOptions {

    /** Marks the options that are settings, apart from a command's own options of the same name. */
    private static final String MARK = "setting:";

    private ConfigOptions() {
    }

    static void addTo(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(Path.class)
                .description("Properties file with settings (default: ./stentor.properties when present).").build());
        for (Setting s : Settings.ALL) {
            if (spec.findOption(s.flag()) != null) {
                continue; // the command has an option of its own by that name (admin create-user --role)
            }
            spec.addOption(OptionSpec.builder(s.flag()).paramLabel("VALUE").type(String.class).descriptionKey(MARK + s.key())
                    .description(s.description() + " (env " + s.environmentVariable() + ", default '"
                            + s.defaultValue() + "')").build());
        }
    }

    /** The config a command runs with: defaults &lt; config file &lt; environment &lt; its flags. */
    static StentorConfig load(CommandSpec spec) {
        return load(spec, System.getenv());
    }

    static StentorConfig load(CommandSpec spec, Map<String, String> env) {
        Map<String, String> flags = new HashMap<>();
        for (Setting s : Settings.ALL) {
            OptionSpec o = spec.findOption(s.flag());
            String v = o != null && (MARK + s.key()).equals(o.descriptionKey()) ? o.getValue() : null;
            if (v != null) {
                flags.put(s.key(), v);
            }
        }
        Path file = spec.findOption("--config").getValue();
        return ConfigSources.load(file, env, flags);
    }
}
