package org.barman.core.config;

import java.util.Map;

/** The effective options of the {@code [barman]} section. */
public final class GlobalConfig extends ResolvedOptions {

    GlobalConfig(String origin, Map<ConfigOption<?>, Object> values, Map<String, String> texts,
            Map<String, String> origins) {
        super(origin, values, texts, origins);
    }
}
