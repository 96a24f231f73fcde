package org.barman.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.barman.api.BarmanApi;
import org.barman.api.BarmanException;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The providers are found by ServiceLoader, and read {@code compression_level} as documented. */
class ProvidersTest {

    private static final PluginOptions NONE = new PluginOptions("/etc/barman.conf [main]", Map.of());

    @Test
    void everyBuiltInCompressorIsRegisteredOnceUnderItsConfigurationName() {
        List<String> names = TestCompressors.providers().stream().map(CompressorProvider::name).toList();
        assertThat(names).containsExactlyInAnyOrder("gzip", "bzip2", "xz", "zstd", "lz4", "custom");
        TestCompressors.providers().forEach(provider ->
                assertThat(BarmanApi.isCompatible(provider.apiVersion())).as(provider.name()).isTrue());
    }

    @Test
    void eachCompressorIsNamedAsItsProvider() {
        TestCompressors.providers().stream().filter(provider -> !provider.name().equals("custom"))
                .forEach(provider -> assertThat(provider.create(NONE).name()).isEqualTo(provider.name()));
        assertThat(TestCompressors.customGzip().name()).isEqualTo("custom");
    }

    @ParameterizedTest(name = "{0}: {1} is level {2}")
    @CsvSource({
        "gzip, , 6", "gzip, low, 1", "gzip, medium, 6", "gzip, high, 9", "gzip, 1, 1", "gzip, 9, 9",
        "bzip2, , 9", "bzip2, low, 1", "bzip2, HIGH, 9", "bzip2, 5, 5",
        "xz, , 1", "xz, low, 0", "xz, high, 6", "xz, 0, 0", "xz, 9, 9",
        "zstd, , 3", "zstd, low, 1", "zstd, high, 9", "zstd, ' 19 ', 19", "zstd, 22, 22",
        "lz4, , 1", "lz4, medium, 1", "lz4, high, 9", "lz4, 12, 12",
    })
    void compressionLevelDefaultsFavourSpeedAndAcceptNumbersAndWords(String name, String level, int expected) {
        Map<String, String> options = level == null ? Map.of() : Map.of("compression_level", level);
        LibraryCompressor compressor = (LibraryCompressor) TestCompressors.create(name, options);
        assertThat(compressor.level()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1} is rejected")
    @CsvSource({
        "gzip, 0, 1, 9", "gzip, 10, 1, 9", "bzip2, 0, 1, 9", "xz, -1, 0, 9", "xz, 10, 0, 9",
        "zstd, 0, 1, 22", "zstd, 23, 1, 22", "lz4, 13, 1, 12", "lz4, fast, 1, 12", "gzip, 6.5, 1, 9",
    })
    void aBadLevelNamesTheOptionTheValueAndTheAcceptedRange(String name, String level, int min, int max) {
        CompressorProvider provider = TestCompressors.providers().stream()
                .filter(candidate -> candidate.name().equals(name)).findFirst().orElseThrow();
        PluginOptions options = new PluginOptions("/etc/barman.conf [main]", Map.of("compression_level", level));
        assertThatThrownBy(() -> provider.create(options))
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("/etc/barman.conf [main]: invalid value '" + level
                        + "' for option compression_level: expected an integer from " + min + " to " + max
                        + " for " + name + ", or low (");
    }

    @Test
    void customNeedsBothFiltersAndSaysWhatAFilterIs() {
        CompressorProvider custom = new CustomCompressorProvider();
        assertThatThrownBy(() -> custom.create(NONE))
                .isInstanceOf(BarmanException.class)
                .hasMessage("/etc/barman.conf [main]: compression = custom needs option custom_compression_filter, "
                        + "a shell command that reads standard input and writes standard output, such as 'gzip -c'");
        PluginOptions onlyCompression = NONE.with(Map.of("custom_compression_filter", "lzop -c"));
        assertThatThrownBy(() -> custom.create(onlyCompression))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("needs option custom_decompression_filter");
    }

    @ParameterizedTest(name = "custom_compression_magic = {0}")
    @CsvSource({"0x", "1f8", "0xzz", "not hex"})
    void aBadCustomMagicIsRejected(String magic) {
        PluginOptions options = NONE.with(Map.of("custom_compression_filter", "gzip -c",
                "custom_decompression_filter", "gzip -c -d", "custom_compression_magic", magic));
        assertThatThrownBy(() -> new CustomCompressorProvider().create(options))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("for option custom_compression_magic: expected the first bytes of the "
                        + "filter's output in hexadecimal");
    }

    @Test
    void theCustomCompressorIgnoresCompressionLevel() {
        PluginOptions options = PluginOptions.of(TestCompressors.CUSTOM_GZIP).with(Map.of("compression_level", "99"));
        assertThat(new CustomCompressorProvider().create(options).name()).isEqualTo("custom");
    }
}
