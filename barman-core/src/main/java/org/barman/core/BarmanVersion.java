package org.barman.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this Barman, as the build recorded it. */
public final class BarmanVersion {

    private static final String VERSION = read();

    private BarmanVersion() {
    }

    private static String read() {
        Properties properties = new Properties();
        try (InputStream in = BarmanVersion.class.getResourceAsStream("barman-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }

    /** @return the version, such as {@code 0.1.0} */
    public static String get() {
        return VERSION;
    }
}
