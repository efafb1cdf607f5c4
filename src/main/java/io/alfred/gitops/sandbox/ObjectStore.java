package io.alfred.gitops.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Objects by path, kept in fabric8's CRUD store so that its lists, label selectors and watches see
 * every write the sandbox makes.
 */
final class ObjectStore {
    static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesCrudDispatcher crud;

    ObjectStore(KubernetesCrudDispatcher crud) {
        this.crud = crud;
    }

    ObjectNode get(String objectPath) {
        Map.Entry<AttributeSet, String> e = crud.findResource(crud.getKey(objectPath));
        return e == null ? null : parse(e.getValue());
    }

    void put(String objectPath, ObjectNode object) {
        AttributeSet key = crud.getKey(objectPath);
        Map.Entry<AttributeSet, String> existing = crud.findResource(key);
        crud.processEvent(objectPath, key, existing == null ? null : existing.getKey(), null, write(object));
    }

    void remove(String objectPath) {
        AttributeSet key = crud.getKey(objectPath);
        Map.Entry<AttributeSet, String> existing = crud.findResource(key);
        if (existing != null) {
            crud.processEvent(objectPath, key, existing.getKey(), null, null);
        }
    }

    String nextResourceVersion() {
        return String.valueOf(crud.requestResourceVersion());
    }

    List<ObjectNode> all() {
        List<String> values;
        synchronized (crud.getMap()) {
            values = new ArrayList<>(crud.getMap().values());
        }
        List<ObjectNode> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(parse(v)));
        return out;
    }

    int size() {
        return crud.getMap().size();
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt stored object", e);
        }
    }

    static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
