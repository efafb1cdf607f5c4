package io.alfred.gitops.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each resource's line says what the daemon goes without while it is missing. */
class PubSubResourceTest {
    @Test
    void eachResourceNamesItsOwnConsequence() {
        assertThat(PubSubResource.eventsTopic("p", "deploys").consequence()).isEqualTo("events wait in the outbox");
        assertThat(PubSubResource.triggerSubscription("p", "pushes").consequence())
                .isEqualTo("push triggers are off meanwhile, the schedule still polls");
        assertThat(PubSubResource.promotionSubscription("p", "prod-proofs").consequence())
                .contains("proofs from the environments promoted before this one do not arrive")
                .contains("new revisions wait");
    }
}
