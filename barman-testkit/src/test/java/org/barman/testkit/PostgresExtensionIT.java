package org.barman.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs small test classes that use {@link PostgresExtension} through the JUnit engine, failing tests
 * included, and checks what the extension left behind: nothing.
 */
@Tag("postgres")
class PostgresExtensionIT {

    static final List<Path> DATA_DIRS = new CopyOnWriteArrayList<>();
    static final List<Integer> PORTS = new CopyOnWriteArrayList<>();

    @Test
    void one_cluster_per_class_is_removed_even_when_a_test_fails() {
        DATA_DIRS.clear();
        PORTS.clear();

        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(PerClassWithAFailingTest.class))
                .execute()
                .testEvents();

        assertThat(tests.started().count()).isEqualTo(2);
        assertThat(tests.succeeded().count()).isEqualTo(1);
        assertThat(tests.failed().count()).isEqualTo(1);
        assertThat(PORTS).hasSize(2).containsOnly(PORTS.get(0));
        assertThat(DATA_DIRS).hasSize(2).allSatisfy(dir -> assertThat(dir.getParent()).doesNotExist());
    }

    @Test
    void a_cluster_per_method_is_fresh_and_removed_after_each_test() {
        DATA_DIRS.clear();
        PORTS.clear();

        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(PerMethodWithAFailingTest.class))
                .execute()
                .testEvents();

        assertThat(tests.started().count()).isEqualTo(2);
        assertThat(tests.failed().count()).isEqualTo(1);
        assertThat(DATA_DIRS).hasSize(2).doesNotHaveDuplicates()
                .allSatisfy(dir -> assertThat(dir.getParent()).doesNotExist());
    }

    /** Not run on its own (failsafe skips nested classes): one of its tests fails on purpose. */
    static class PerClassWithAFailingTest {

        @RegisterExtension
        static PostgresExtension pg = PostgresExtension.builder().setting("work_mem", "3MB").build();

        @Test
        void passes() {
            record();
            assertThat(pg.cluster().queryValue("show work_mem")).isEqualTo("3MB");
        }

        @Test
        void fails() {
            record();
            throw new AssertionError("failing on purpose");
        }

        private static void record() {
            DATA_DIRS.add(pg.cluster().dataDirectory());
            PORTS.add(pg.cluster().port());
            assertThat(pg.lifecycle()).isEqualTo(PostgresExtension.Lifecycle.PER_CLASS);
        }
    }

    /** Not run on its own (failsafe skips nested classes): one of its tests fails on purpose. */
    static class PerMethodWithAFailingTest {

        @RegisterExtension
        static PostgresExtension pg = PostgresExtension.builder().perMethod().build();

        @Test
        void passes() {
            DATA_DIRS.add(pg.cluster().dataDirectory());
            pg.cluster().execute("create table only_here(i int)");
        }

        @Test
        void fails() {
            DATA_DIRS.add(pg.cluster().dataDirectory());
            throw new AssertionError("failing on purpose");
        }
    }
}
