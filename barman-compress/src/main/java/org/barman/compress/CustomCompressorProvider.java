package org.barman.compress;

import org.barman.api.BarmanException;
import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/** Provides {@code compression = custom}; see {@link CustomCompressor}. */
public final class CustomCompressorProvider implements CompressorProvider {

    @Override
    public String name() {
        return CustomCompressor.NAME;
    }

    @Override
    public Compressor create(PluginOptions options) {
        String compression = filter(options, CustomCompressor.COMPRESSION_FILTER, "gzip -c");
        String decompression = filter(options, CustomCompressor.DECOMPRESSION_FILTER, "gzip -c -d");
        MagicNumber magic = options.get(CustomCompressor.MAGIC)
                .map(text -> {
                    MagicNumber parsed = MagicNumber.parseHex(text, HEADER_LENGTH);
                    if (parsed == null) {
                        throw options.invalid(CustomCompressor.MAGIC, "the first bytes of the filter's output in "
                                + "hexadecimal, 1 to " + HEADER_LENGTH + " bytes, such as 0x1f8b for gzip");
                    }
                    return parsed;
                })
                .orElse(null);
        return new CustomCompressor(compression, decompression, magic);
    }

    private static String filter(PluginOptions options, String option, String example) {
        return options.get(option).map(String::strip).filter(command -> !command.isEmpty())
                .orElseThrow(() -> new BarmanException(options.origin() + ": compression = custom needs option "
                        + option + ", a shell command that reads standard input and writes standard output, "
                        + "such as '" + example + "'"));
    }
}
