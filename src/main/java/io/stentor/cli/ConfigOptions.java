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

    private ConfigOptions() {
    }

    static void addTo(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(Path.class)
                .description("Properties file with settings (default: ./stentor.properties when present).").build());
        for (Setting s : Settings.ALL) {
            spec.addOption(OptionSpec.builder(s.flag()).paramLabel("VALUE").type(String.class)
                    .description(s.description() + " (env " + s.environmentVariable() + ", default '"
                            + s.defaultValue() + "')").build());
        }
    }

    static StentorConfig load(CommandSpec spec) {
        Map<String, String> flags = new HashMap<>();
        for (Setting s : Settings.ALL) {
            String v = spec.findOption(s.flag()).getValue();
            if (v != null) {
                flags.put(s.key(), v);
            }
        }
        Path file = spec.findOption("--config").getValue();
        return ConfigSources.load(file, System.getenv(), flags);
    }
}
