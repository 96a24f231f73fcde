package org.barman.testkit;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives tests a real {@link PostgresCluster} and always stops and removes it, whether
 * the tests pass or fail.
 *
 * <pre>{@code
 * @RegisterExtension
 * static PostgresExtension pg = PostgresExtension.builder()
 *         .setting("archive_mode", "on")
 *         .build();
 *
 * @Test
 * void backs_up() {
 *     pg.cluster().execute("create table t(i int)");
 * }
 * }</pre>
 *
 * <p>Life cycle: by default one cluster per test class, started before the first test and closed after the
 * last ({@link Lifecycle#PER_CLASS}, on a {@code static} field). With {@link Builder#perMethod()} each test
 * method gets a fresh cluster, closed after it. An extension registered on an instance field (not static)
 * never sees the class-level callbacks, so it behaves as per method.
 */
public final class PostgresExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** When the cluster is started and closed. */
    public enum Lifecycle {
        /** One cluster for all tests of the class. */
        PER_CLASS,
        /** A fresh cluster for each test method. */
        PER_METHOD
    }

    private final PostgresCluster.Builder clusterBuilder;
    private final Lifecycle lifecycle;
    private PostgresCluster cluster;
    private boolean startedForMethod;

    private PostgresExtension(PostgresCluster.Builder clusterBuilder, Lifecycle lifecycle) {
        this.clusterBuilder = clusterBuilder;
        this.lifecycle = lifecycle;
    }

    /** @return a builder; the defaults are those of {@link PostgresCluster#builder()}, one cluster per class */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the running cluster
     * @throws IllegalStateException outside the tests and lifecycle methods of the class that registered it
     */
    public synchronized PostgresCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the PostgreSQL cluster of this extension is not started: use cluster() "
                    + "inside a test or a @BeforeEach/@AfterEach method (or @BeforeAll with a static, per-class extension)");
        }
        return cluster;
    }

    /** @return when the cluster starts and stops */
    public Lifecycle lifecycle() {
        return lifecycle;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (lifecycle == Lifecycle.PER_CLASS && cluster == null) {
            cluster = clusterBuilder.start();
            startedForMethod = false;
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (cluster == null) {
            cluster = clusterBuilder.start();
            startedForMethod = true;
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (startedForMethod) {
            closeCluster();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        closeCluster();
    }

    private void closeCluster() {
        PostgresCluster closing = cluster;
        cluster = null;
        startedForMethod = false;
        if (closing != null) {
            closing.close();
        }
    }

    /** Configures a {@link PostgresExtension}; the settings are those of {@link PostgresCluster.Builder}. */
    public static final class Builder {

        private final PostgresCluster.Builder clusterBuilder = PostgresCluster.builder();
        private Lifecycle lifecycle = Lifecycle.PER_CLASS;

        private Builder() {
        }

        /**
         * @param major the PostgreSQL major version
         * @return this builder
         * @see PostgresCluster.Builder#majorVersion(int)
         */
        public Builder majorVersion(int major) {
            clusterBuilder.majorVersion(major);
            return this;
        }

        /**
         * @param name a setting's name
         * @param value its value, unquoted
         * @return this builder
         * @see PostgresCluster.Builder#setting(String, String)
         */
        public Builder setting(String name, String value) {
            clusterBuilder.setting(name, value);
            return this;
        }

        /**
         * @param settings names and unquoted values
         * @return this builder
         * @see PostgresCluster.Builder#settings(Map)
         */
        public Builder settings(Map<String, String> settings) {
            clusterBuilder.settings(settings);
            return this;
        }

        /**
         * @param argument an initdb argument, such as {@code --data-checksums}
         * @return this builder
         * @see PostgresCluster.Builder#initdbArgument(String)
         */
        public Builder initdbArgument(String argument) {
            clusterBuilder.initdbArgument(argument);
            return this;
        }

        /**
         * @param timeout how long the start waits for the server to accept connections
         * @return this builder
         * @see PostgresCluster.Builder#startTimeout(Duration)
         */
        public Builder startTimeout(Duration timeout) {
            clusterBuilder.startTimeout(timeout);
            return this;
        }

        /**
         * Starts a cluster that listens only on its Unix-domain socket, with peer authentication.
         *
         * @return this builder
         * @see PostgresCluster.Builder#socketOnly()
         */
        public Builder socketOnly() {
            clusterBuilder.socketOnly();
            return this;
        }

        /**
         * Gives each test method a fresh cluster.
         *
         * @return this builder
         */
        public Builder perMethod() {
            lifecycle = Lifecycle.PER_METHOD;
            return this;
        }

        /**
         * One cluster for the whole test class (the default).
         *
         * @return this builder
         */
        public Builder perClass() {
            lifecycle = Lifecycle.PER_CLASS;
            return this;
        }

        /** @return the extension, for a {@code @RegisterExtension} field */
        public PostgresExtension build() {
            return new PostgresExtension(clusterBuilder, lifecycle);
        }
    }
}
