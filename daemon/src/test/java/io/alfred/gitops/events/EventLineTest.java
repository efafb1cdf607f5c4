package io.alfred.gitops.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;
import io.alfred.gitops.trigger.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the `events` command prints for a received message, and its filters. */
class EventLineTest {

    private static PubsubMessage message(DeployEvent e) {
        return PubsubMessage.newBuilder()
                .putAllAttributes(e.pubsubAttributes())
                .setData(ByteString.copyFrom(e.toCloudEvent().getData().toBytes()))
                .build();
    }

    private static List<DeployEvent> failedCycle() {
        List<DeployEvent> events = new ArrayList<>();
        new CycleEvents(
                        events::add,
                        "eu-1",
                        "prod",
                        Trigger.of(Trigger.Kind.SCHEDULE),
                        "3f2c9a1b7d5e8f0a1b2c3d4e5f6a7b8c9d0e1f2a",
                        null)
                .failed(
                        new StageException(Stage.RENDER, "overlays/prod", "kustomize failed: boom"),
                        Duration.ofMillis(12));
        return events;
    }

    @Test
    void humanReadableLines() {
        List<DeployEvent> events = failedCycle();
        assertThat(EventLine.human(message(events.get(0))))
                .contains(" eu-1/prod sync.started 3f2c9a1b7d5e trigger schedule");
        assertThat(EventLine.human(message(events.get(1))))
                .contains(" eu-1/prod sync.failed 3f2c9a1b7d5e render: kustomize failed: boom");
    }

    @Test
    void structuredJsonCarriesTheContextAttributesAndData() throws Exception {
        DeployEvent failed = failedCycle().get(1);
        var json = DeployEvent.JSON.readTree(EventLine.json(message(failed)));
        assertThat(json.path("specversion").asText()).isEqualTo("1.0");
        assertThat(json.path("id").asText()).isEqualTo(failed.id());
        assertThat(json.path("type").asText()).isEqualTo("io.alfred.gitops.sync.failed");
        assertThat(json.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(json.path("cluster").asText()).isEqualTo("eu-1");
        assertThat(json.at("/data/stage").asText()).isEqualTo("render");
    }

    @Test
    void filtersByTypeAndCluster() {
        PubsubMessage m = message(failedCycle().get(1));
        assertThat(EventLine.matches(m, null, null)).isTrue();
        assertThat(EventLine.matches(m, "sync.failed", "eu-1")).isTrue();
        assertThat(EventLine.matches(m, "io.alfred.gitops.sync.failed", null)).isTrue();
        assertThat(EventLine.matches(m, "sync.succeeded", null)).isFalse();
        assertThat(EventLine.matches(m, null, "us-1")).isFalse();
    }
}
