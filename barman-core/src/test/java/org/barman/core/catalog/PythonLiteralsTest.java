package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PythonLiteralsTest {

    @Test
    void reprOfStringsFollowsPython3() {
        assertThat(PythonLiterals.repr("START WAL LOCATION: 0/2000028\nCHECKPOINT LOCATION: 0/2000060\n"))
                .isEqualTo("'START WAL LOCATION: 0/2000028\\nCHECKPOINT LOCATION: 0/2000060\\n'");
        assertThat(PythonLiterals.repr("it's")).isEqualTo("\"it's\"");
        assertThat(PythonLiterals.repr("it's \"x\"")).isEqualTo("'it\\'s \"x\"'");
        assertThat(PythonLiterals.repr("a\\b\tc\rd")).isEqualTo("'a\\\\b\\tc\\rd'");
        assertThat(PythonLiterals.repr("\u0001\u007f\u00e9\u2028")).isEqualTo("'\\x01\\x7f\u00e9\\u2028'");
        assertThat(PythonLiterals.repr("")).isEqualTo("''");
    }

    @Test
    void reprOfContainersFollowsPython3() {
        assertThat(PythonLiterals.repr(List.of(new PythonLiterals.Tuple(List.of("tbs1", 16387L, "/path")),
                new PythonLiterals.Tuple(List.of("tbs2", 16405L, "/other")))))
                .isEqualTo("[('tbs1', 16387, '/path'), ('tbs2', 16405, '/other')]");
        assertThat(PythonLiterals.repr(new PythonLiterals.Tuple(List.of(1L)))).isEqualTo("(1,)");
        assertThat(PythonLiterals.repr(Arrays.asList("a", null, true, false))).isEqualTo("['a', None, True, False]");
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("copy_time", 3L);
        map.put("x", List.of());
        assertThat(PythonLiterals.repr(map)).isEqualTo("{'copy_time': 3, 'x': []}");
    }

    @Test
    void parsesWhatBarmanWrites() {
        assertThat(PythonLiterals.parse("'START WAL LOCATION: 0/4000028 (file 000000010000000000000004)\\n"
                + "CHECKPOINT LOCATION: 0/4000060\\nBACKUP METHOD: streamed\\n'"))
                .isEqualTo("START WAL LOCATION: 0/4000028 (file 000000010000000000000004)\n"
                        + "CHECKPOINT LOCATION: 0/4000060\nBACKUP METHOD: streamed\n");
        assertThat(PythonLiterals.parse("[('fake_tbs', 16384, '/fake_tmp/tbs')]")).isEqualTo(List.of(
                new PythonLiterals.Tuple(List.of("fake_tbs", 16384L, "/fake_tmp/tbs"))));
        Object stats = PythonLiterals.parse("{'copy_time': 0.129, 'analysis_time': 1e-05, 'number_of_workers': 1,"
                + " 'serialized_copy_time': 0.0906, 'copy_time_per_item': {'pgdata': 0.0906}}");
        assertThat(stats).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) stats).get("analysis_time")).isEqualTo(1e-05);
        assertThat(((Map<?, ?>) stats).get("copy_time_per_item")).isEqualTo(Map.of("pgdata", 0.0906));
        assertThat(PythonLiterals.parse("None")).isNull();
        assertThat(PythonLiterals.parse(" ['/etc/postgresql/extra.conf'] ")).isEqualTo(
                List.of("/etc/postgresql/extra.conf"));
    }

    @Test
    void parsesPython2Spellings() {
        assertThat(PythonLiterals.parse("u'label\\n'")).isEqualTo("label\n");
        assertThat(PythonLiterals.parse("[(u'tbs', 16384L, u'/x')]")).isEqualTo(List.of(
                new PythonLiterals.Tuple(List.of("tbs", 16384L, "/x"))));
        assertThat(PythonLiterals.parse("\"double \\\"quoted\\\"\"")).isEqualTo("double \"quoted\"");
        assertThat(PythonLiterals.parse("'\\x41\\101\\u00e9'")).isEqualTo("AA\u00e9");
        assertThat(PythonLiterals.parse("99999999999999999999")).isEqualTo(new BigInteger("99999999999999999999"));
        assertThat(PythonLiterals.parse("(1)")).isEqualTo(1L);
        assertThat(PythonLiterals.parse("()")).isEqualTo(new PythonLiterals.Tuple(List.of()));
        assertThat(PythonLiterals.parse("[1, 2,]")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void rejectsWhatIsNotALiteralNamingThePlace() {
        assertThatThrownBy(() -> PythonLiterals.parse("'unterminated"))
                .isInstanceOf(PythonLiterals.SyntaxException.class).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> PythonLiterals.parse("[1, 2"))
                .isInstanceOf(PythonLiterals.SyntaxException.class).hasMessageContaining("ends too early");
        assertThatThrownBy(() -> PythonLiterals.parse("os.system('rm -rf /')"))
                .isInstanceOf(PythonLiterals.SyntaxException.class).hasMessageContaining("unknown name 'os'");
        assertThatThrownBy(() -> PythonLiterals.parse("'a' 'b'"))
                .isInstanceOf(PythonLiterals.SyntaxException.class)
                .hasMessageContaining("unexpected text after the value at character 5");
    }

    @Test
    void anyStringSurvivesReprThenParse() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40))
                .check(text -> text.equals(PythonLiterals.parse(PythonLiterals.repr(text))));
    }
}
