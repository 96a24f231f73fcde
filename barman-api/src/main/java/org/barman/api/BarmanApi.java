package org.barman.api;

/**
 * Facts about the plug-in API itself.
 *
 * <p>Providers report the version they were compiled against; the core refuses a provider whose major version
 * differs from its own, so that an old plug-in fails with a clear message instead of an
 * {@link AbstractMethodError} in the middle of a backup.
 */
public final class BarmanApi {

    /** The version of this API: {@code major.minor}. Minor versions only add default methods. */
    public static final String VERSION = "1.0";

    private BarmanApi() {
    }

    /**
     * @param version a version a provider reports
     * @return whether a provider of that version works with this API
     */
    public static boolean isCompatible(String version) {
        if (version == null) {
            return false;
        }
        int dot = version.indexOf('.');
        String major = dot < 0 ? version : version.substring(0, dot);
        return VERSION.substring(0, VERSION.indexOf('.')).equals(major);
    }
}
