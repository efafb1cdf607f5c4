package io.alfred.gitops.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Whether a live object holds every field git gives it: the comparison behind drift, the
 * watch-fed plan and the PDB gate. Fields the live object has beyond git's (defaults, status,
 * other managers' fields) do not count; list items are compared pairwise. A resource quantity is
 * compared by value, because the API server stores it in canonical form: git's {@code cpu: 1000m}
 * is served back as {@code "1"}, {@code memory: 1024Mi} as {@code "1Gi"}, {@code cpu: 2} as
 * {@code "2"}.
 */
public final class Subset {
    /** Keys whose values are maps of quantities (container resources, quotas, limit ranges, volume requests). */
    private static final Set<String> QUANTITY_MAPS = Set.of(
            "limits",
            "requests",
            "hard",
            "capacity",
            "min",
            "max",
            "default",
            "defaultRequest",
            "maxLimitRequestRatio",
            "overhead");
    /** Keys whose value is one quantity. */
    private static final Set<String> QUANTITIES = Set.of("sizeLimit", "storage");

    private Subset() {}

    /** Whether every field of {@code desired} has the same value in {@code live}. */
    public static boolean holds(JsonNode desired, JsonNode live) {
        return holds(desired, live, false);
    }

    private static boolean holds(JsonNode desired, JsonNode live, boolean quantity) {
        if (desired.isObject()) {
            if (!live.isObject()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> it = desired.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                boolean q = quantity || QUANTITIES.contains(e.getKey()) || quantityMap(e.getKey(), e.getValue());
                if (!holds(e.getValue(), live.path(e.getKey()), q)) {
                    return false;
                }
            }
            return true;
        }
        if (desired.isArray()) {
            if (!live.isArray() || live.size() != desired.size()) {
                return false;
            }
            for (int i = 0; i < desired.size(); i++) {
                if (!holds(desired.get(i), live.get(i), false)) {
                    return false;
                }
            }
            return true;
        }
        if (desired.isNumber() && live.isNumber()) {
            return desired.decimalValue().compareTo(live.decimalValue()) == 0;
        }
        if (desired.equals(live)) {
            return true;
        }
        return quantity && sameQuantity(desired, live);
    }

    /** A map of quantities: inside it, every scalar is compared as a quantity. */
    private static boolean quantityMap(String key, JsonNode value) {
        return value.isObject() && QUANTITY_MAPS.contains(key);
    }

    static boolean sameQuantity(JsonNode desired, JsonNode live) {
        if (!desired.isValueNode() || !live.isValueNode() || desired.isNull() || live.isNull()) {
            return false;
        }
        BigDecimal a = amount(desired.asText());
        BigDecimal b = amount(live.asText());
        return a != null && b != null && a.compareTo(b) == 0;
    }

    private static BigDecimal amount(String text) {
        try {
            return Quantity.getAmountInBytes(new Quantity(text));
        } catch (RuntimeException e) {
            return null; // not a quantity: compared as text
        }
    }
}
