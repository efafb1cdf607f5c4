package io.alfred.gitops.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alfred.gitops.render.ObjectRef;
import io.alfred.gitops.support.Subset;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the view keeps of a live object (a verdict, and the digest of the git object it is about)
 * never makes a difference from git look like a match.
 */
class VerdictStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectRef REF = ObjectRef.of("v1", "ConfigMap", "shop", "web");

    private final Map<String, GitObject> git = new HashMap<>();
    private final VerdictStore store = new VerdictStore("v1", "ConfigMap", SERIALIZATION, ref -> git.get(ref.key()));

    @Test
    void holdsWhatTheLiveObjectHeldForThatContentOnly() throws Exception {
        JsonNode body = gitHas("{\"data\":{\"a\":\"1\"}}");
        put(JSON.readTree("{\"data\":{\"a\":\"1\",\"b\":\"2\"},\"status\":{}}"));

        assertThat(store.holds(REF, body)).isTrue();
        assertThat(store.holds(REF, body.deepCopy()))
                .as("the same content from another render")
                .isTrue();
        assertThat(store.holds(REF, JSON.readTree("{\"data\":{\"b\":\"2\"}}")))
                .as("content the verdict was not made for (a subset of the live object all the same: a read tells)")
                .isFalse();
        assertThat(store.holds(ObjectRef.of("v1", "ConfigMap", "shop", "other"), body))
                .as("an object not seen")
                .isFalse();
    }

    @Test
    void aLiveObjectMissingGitsFieldsDoesNotHoldIt() throws Exception {
        JsonNode body = gitHas("{\"data\":{\"a\":\"1\"}}");
        put(JSON.readTree("{\"data\":{\"a\":\"edited\"}}"));
        assertThat(store.holds(REF, body)).isFalse();
    }

    @Test
    void anObjectSeenBeforeGitHadItIsNotJudged() throws Exception {
        put(JSON.readTree("{\"data\":{\"a\":\"1\"}}"));
        assertThat(store.holds(REF, gitHas("{\"data\":{\"a\":\"1\"}}"))).isFalse();
    }

    @Test
    void keepsNoPartOfTheLiveObject() throws Exception {
        gitHas("{\"data\":{\"a\":\"1\"}}");
        put(JSON.readTree("{\"data\":{\"a\":\"1\",\"big\":\"" + "x".repeat(10_000) + "\"}}"));
        assertThat(store.values().findFirst().orElseThrow().getAdditionalProperties())
                .isEmpty();
        assertThat(VerdictStore.Known.class.getRecordComponents())
                .extracting(c -> c.getType().getSimpleName())
                .containsExactly("String", "String", "String", "Long", "GitDigest", "boolean");
    }

    /**
     * For random live objects, and git bodies drawn from them then changed, judged against one body
     * and asked about another (a verdict made for an older render): a match is always a match on the
     * live object.
     */
    @Test
    void aMatchInTheViewIsAMatchOnTheLiveObject() {
        Random random = new Random(20261130);
        int matches = 0;
        for (int i = 0; i < 5_000; i++) {
            ObjectNode live = (ObjectNode) randomObject(random, 3);
            JsonNode older = drawn(random, live);
            JsonNode asked =
                    random.nextBoolean() ? older : random.nextBoolean() ? older.deepCopy() : drawn(random, live);
            git.put(REF.key(), GitObject.of(older));
            put(live);
            if (store.holds(REF, asked)) {
                matches++;
                assertThat(Subset.holds(asked, live))
                        .as("git %s, live %s", asked, live)
                        .isTrue();
            }
        }
        assertThat(matches).as("the generator makes matches too").isGreaterThan(500);
    }

    /** git's object for {@link #REF} from now on; its body. */
    private JsonNode gitHas(String json) throws Exception {
        JsonNode body = JSON.readTree(json);
        git.put(REF.key(), GitObject.of(body));
        return body;
    }

    private void put(JsonNode fields) {
        ObjectNode live = ((ObjectNode) fields.deepCopy());
        live.put("apiVersion", "v1").put("kind", "ConfigMap");
        live.putObject("metadata")
                .put("name", REF.name())
                .put("namespace", REF.namespace())
                .put("resourceVersion", "7");
        GenericKubernetesResource object = SERIALIZATION.convertValue(live, GenericKubernetesResource.class);
        store.put(store.getKey(object), object);
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
