package io.alfred.gitops.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One deploy event. Its id is fixed when it is created and kept in the outbox, so every publish
 * attempt of it carries the same {@code ce-id} and consumers can deduplicate.
 */
public record DeployEvent(
        String id,
        EventType type,
        OffsetDateTime time,
        String cluster,
        String environment,
        String revision,
        ObjectNode data) {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final EventFormat STRUCTURED = new JsonFormat();

    public String source() {
        return "//alfred-gitops/clusters/" + cluster;
    }

    public CloudEvent toCloudEvent() {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(id)
                .withType(type.type())
                .withSource(URI.create(source()))
                .withTime(time)
                .withDataContentType("application/json")
                .withData(write(data).getBytes(StandardCharsets.UTF_8))
                .withExtension("cluster", cluster)
                .withExtension("environment", environment)
                .withExtension("outcome", type.outcome());
        if (revision != null) {
            b.withSubject(revision).withExtension("revision", revision);
        }
        return b.build();
    }

    /**
     * Pub/Sub message attributes in binary content mode, per the CloudEvents Google Pub/Sub
     * binding: {@code ce-} + each context attribute, {@code content-type} for datacontenttype, plus
     * the plain {@code cluster}, {@code environment}, {@code revision}, {@code outcome} for
     * subscription filters.
     */
    public Map<String, String> pubsubAttributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("ce-specversion", "1.0");
        a.put("ce-id", id);
        a.put("ce-source", source());
        a.put("ce-type", type.type());
        a.put("ce-time", time.toString());
        if (revision != null) {
            a.put("ce-subject", revision);
            a.put("revision", revision);
        }
        a.put("content-type", "application/json");
        a.put("cluster", cluster);
        a.put("environment", environment);
        a.put("outcome", type.outcome());
        return a;
    }

    /** The structured-mode JSON of the event (one line), as written to standard output without a topic. */
    public String toJsonLine() {
        return new String(STRUCTURED.serialize(toCloudEvent()), StandardCharsets.UTF_8);
    }

    /** The outbox's storage form. */
    String toStored() {
        ObjectNode n = JSON.createObjectNode()
                .put("id", id)
                .put("type", type.type())
                .put("time", time.toString())
                .put("cluster", cluster)
                .put("environment", environment)
                .put("revision", revision);
        n.set("data", data);
        return write(n);
    }

    static DeployEvent fromStored(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new DeployEvent(
                    n.path("id").asText(),
                    EventType.ofType(n.path("type").asText()),
                    OffsetDateTime.parse(n.path("time").asText()),
                    n.path("cluster").asText(),
                    n.path("environment").asText(),
                    n.path("revision").isNull() ? null : n.path("revision").asText(null),
                    (ObjectNode) n.path("data"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt outbox entry: " + e.getOriginalMessage(), e);
        }
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
