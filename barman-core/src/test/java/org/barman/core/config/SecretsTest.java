package org.barman.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Passwords in option values and free text are masked; everything else is kept as it was. */
class SecretsTest {

    @Test
    void aConninfoIsShownAsConnInfoShowsIt() {
        assertThat(Secrets.maskOption("conninfo", "host=pg user=postgres password=s3cr3t"))
                .isEqualTo("host=pg user=postgres password=********");
        assertThat(Secrets.maskOption("conninfo", "password = 'it\\'s a secret' host=pg"))
                .isEqualTo("password=******** host=pg");
        assertThat(Secrets.maskOption("streaming_conninfo", "host=pg sslpassword=s3cr3t"))
                .isEqualTo("host=pg sslpassword=********");
        assertThat(Secrets.maskOption("conninfo", "host=pg user=postgres")).isEqualTo("host=pg user=postgres");
    }

    @Test
    void aConninfoUriLosesItsPassword() {
        assertThat(Secrets.maskOption("conninfo", "postgresql://u:s3cr3t@pg:5433/db?sslmode=require"))
                .doesNotContain("s3cr3t").contains("password=********").contains("host=pg");
        assertThat(Secrets.maskOption("conninfo", "postgresql://u@pg/db?password=s3cr3t"))
                .doesNotContain("s3cr3t");
    }

    @Test
    void aConninfoThatDoesNotParseIsMaskedAsText() {
        assertThat(Secrets.maskOption("conninfo", "host=pg password=s3cr3t frobnicate=1"))
                .isEqualTo("host=pg password=******** frobnicate=1");
        assertThat(Secrets.maskOption("conninfo", "host=pg password='s3 cr3t")).isEqualTo("host=pg password=********");
    }

    @Test
    void environmentAssignmentsInCommandsAreMasked() {
        assertThat(Secrets.maskOption("ssh_command", "env PGPASSWORD=s3cr3t ssh postgres@pg"))
                .isEqualTo("env PGPASSWORD=******** ssh postgres@pg");
        assertThat(Secrets.maskOption("pre_backup_script", "PGPASSWORD=\"s3 cr3t\" /usr/local/bin/notify --all"))
                .isEqualTo("PGPASSWORD=******** /usr/local/bin/notify --all");
        assertThat(Secrets.maskOption("post_backup_script", "export PGPASSWORD='s3cr3t'; psql -c 'select 1'"))
                .isEqualTo("export PGPASSWORD=********; psql -c 'select 1'");
        assertThat(Secrets.mask("notify --password=s3cr3t --api_secret = xyz MY_DB_PASSWD=abc"))
                .isEqualTo("notify --password=******** --api_secret = ******** MY_DB_PASSWD=********");
        assertThat(Secrets.maskOption("post_backup_script", "AWS_SECRET_ACCESS_KEY=abc VAULT_TOKEN=def upload"))
                .isEqualTo("AWS_SECRET_ACCESS_KEY=******** VAULT_TOKEN=******** upload");
    }

    @Test
    void uriPasswordsInTextAreMasked() {
        assertThat(Secrets.mask("cannot reach postgres://u:s3cr3t@pg:5432/db: refused"))
                .isEqualTo("cannot reach postgres://u:********@pg:5432/db: refused");
        assertThat(Secrets.mask("https://user:tok3n@example.com/x and postgresql://u@pg/db"))
                .isEqualTo("https://user:********@example.com/x and postgresql://u@pg/db");
    }

    @Test
    void textWithoutPasswordsIsKept() {
        for (String text : new String[] {"ssh postgres@pg", "/var/lib/barman/main/incoming",
            "FATAL: password authentication failed for user \"postgres\"", "bandwidth_limit = 0",
            "http://pg:8080/status", "rsync -a --exclude=pg_wal/* pg:/srv/data/ /backup/",
            "ssh -o PasswordAuthentication=no -o BatchMode=yes -i /var/lib/barman/.ssh/secret_key postgres@pg",
            ""}) {
            assertThat(Secrets.mask(text)).isEqualTo(text);
            assertThat(Secrets.maskOption("ssh_command", text)).isEqualTo(text);
        }
        assertThat(Secrets.mask(null)).isNull();
        assertThat(Secrets.maskOption("conninfo", null)).isNull();
    }
}
