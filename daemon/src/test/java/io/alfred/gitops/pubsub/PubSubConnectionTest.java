package io.alfred.gitops.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A failure to reach Pub/Sub says what to do. */
class PubSubConnectionTest {
    @Test
    void missingCredentialsSayHowToProvideThem() {
        // the client library's words when Application Default Credentials are missing
        IOException missing = new IOException("Your default credentials were not found. To set up Application"
                + " Default Credentials for your environment, see"
                + " https://cloud.google.com/docs/authentication/external/set-up-adc.");
        assertThat(PubSubConnection.describe(missing))
                .isEqualTo("no Google credentials: run gcloud auth application-default login or set"
                        + " GOOGLE_APPLICATION_CREDENTIALS (for the emulator, set PUBSUB_EMULATOR_HOST)");
    }

    @Test
    void otherFailuresKeepTheirOwnWords() {
        assertThat(PubSubConnection.describe(new IOException("connection refused")))
                .isEqualTo("connection refused");
    }
}
