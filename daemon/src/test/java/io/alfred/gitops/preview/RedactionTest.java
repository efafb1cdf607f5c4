package io.alfred.gitops.preview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void environmentAndSubstitutionValuesAreRedactedLongestFirst() {
        Redaction r = Redaction.of(
                Map.of("TOKEN", "hunter2-long-token", "SHORT", "dev", "PREFIX", "hunter2"),
                Map.of("db_password", "s3cr3t-value"));
        assertThat(r.apply("a: hunter2-long-token\nb: s3cr3t-value\nc: dev\nd: hunter2"))
                .isEqualTo("a: (redacted)\nb: (redacted)\nc: dev\nd: (redacted)");
        assertThat(r.apply("nothing here")).isEqualTo("nothing here");
    }
}
