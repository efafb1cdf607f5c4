package io.alfred.gitops.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.plan.Planner;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the view keeps of a live object never makes a difference from git look like a match. */
class ProjectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keepsGitsFieldsOnlyAndTheLiveValuesThere() throws Exception {
        JsonNode git = JSON.readTree("{\"kind\":\"Deployment\",\"spec\":{\"replicas\":2,\"template\":{\"spec\":"
                + "{\"containers\":[{\"name\":\"web\",\"image\":\"web:1\"}]}}}}");
        JsonNode live = JSON.readTree("{\"kind\":\"Deployment\",\"status\":{\"ready\":2},\"metadata\":{\"managedFields\":[{}]},"
                + "\"spec\":{\"replicas\":5,\"strategy\":{},\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
                + "\"image\":\"web:1\",\"imagePullPolicy\":\"Always\"}]}}}}");
        assertThat(Projection.of(git, live)).isEqualTo(JSON.readTree("{\"kind\":\"Deployment\",\"spec\":{\"replicas\":5,"
                + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"web:1\"}]}}}}"));
        assertThat(Planner.isSubset(git, Projection.of(git, live))).isFalse(); // replicas 2 against 5
    }

    @Test
    void aListOfAnotherLengthIsKeptWhole() throws Exception {
        JsonNode git = JSON.readTree("{\"a\":[1,2]}");
        JsonNode live = JSON.readTree("{\"a\":[1,2,3],\"b\":1}");
        assertThat(Projection.of(git, live)).isEqualTo(JSON.readTree("{\"a\":[1,2,3]}"));
    }

    /**
     * For random live objects, and git bodies drawn from them then changed, projected for one body
     * and compared with another (a projection made for an older render): a match on the projection
     * is always a match on the live object.
     */
    @Test
    void aMatchOnTheProjectionIsAMatchOnTheLiveObject() {
        Random random = new Random(20261130);
        int matches = 0;
        for (int i = 0; i < 5_000; i++) {
            JsonNode live = randomObject(random, 3);
            JsonNode older = drawn(random, live);
            JsonNode git = random.nextBoolean() ? older : drawn(random, live);
            boolean onProjection = Planner.isSubset(git, Projection.of(older, live));
            if (onProjection) {
                matches++;
                assertThat(Planner.isSubset(git, live)).as("git %s, live %s", git, live).isTrue();
            }
        }
        assertThat(matches).as("the generator makes matches too").isGreaterThan(500);
    }

    private static JsonNode randomObject(Random random, int depth) {
        ObjectNode o = JSON.createObjectNode();
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
            o.set("f" + random.nextInt(5), randomValue(random, depth - 1));
        }
        return o;
    }

    private static JsonNode randomValue(Random random, int depth) {
        int pick = depth <= 0 ? random.nextInt(2) : random.nextInt(4);
        return switch (pick) {
            case 0 -> JSON.getNodeFactory().numberNode(random.nextInt(3));
            case 1 -> JSON.getNodeFactory().textNode("s" + random.nextInt(3));
            case 2 -> randomObject(random, depth);
            default -> {
                ArrayNode a = JSON.createArrayNode();
                for (int k = 0; k < random.nextInt(3); k++) {
                    a.add(randomValue(random, depth - 1));
                }
                yield a;
            }
        };
    }

    /** Part of {@code live}'s fields, some values changed, some fields added. */
    private static JsonNode drawn(Random random, JsonNode live) {
        if (live.isObject()) {
            ObjectNode o = JSON.createObjectNode();
            live.fields().forEachRemaining(e -> {
                if (random.nextInt(4) > 0) {
                    o.set(e.getKey(), drawn(random, e.getValue()));
                }
            });
            if (random.nextInt(8) == 0) {
                o.set("f" + random.nextInt(6), randomValue(random, 1));
            }
            return o;
        }
        if (live.isArray()) {
            ArrayNode a = JSON.createArrayNode();
            live.forEach(item -> a.add(drawn(random, item)));
            if (random.nextInt(8) == 0) {
                a.add(randomValue(random, 0));
            }
            return a;
        }
        return random.nextInt(10) == 0 ? randomValue(random, 0) : live;
    }
}
