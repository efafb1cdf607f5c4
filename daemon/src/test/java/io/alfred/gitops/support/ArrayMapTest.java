package io.alfred.gitops.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The array-backed map behaves as a LinkedHashMap in insertion order, whatever is done to it. */
class ArrayMapTest {

    @Test
    void matchesLinkedHashMapUnderRandomOperations() {
        Random random = new Random(20);
        for (int round = 0; round < 200; round++) {
            Map<String, Integer> expected = new LinkedHashMap<>();
            Map<String, Integer> actual = new ArrayMap<>(random.nextInt(4));
            for (int op = 0; op < 200; op++) {
                String key = "k" + random.nextInt(12);
                int value = random.nextInt(100);
                switch (random.nextInt(7)) {
                    case 0, 1 -> assertThat(actual.put(key, value)).isEqualTo(expected.put(key, value));
                    case 2 -> assertThat(actual.remove(key)).isEqualTo(expected.remove(key));
                    case 3 -> {
                        assertThat(actual.get(key)).isEqualTo(expected.get(key));
                        assertThat(actual.containsKey(key)).isEqualTo(expected.containsKey(key));
                    }
                    case 4 -> removeWhileIterating(expected, actual, value % 3);
                    case 5 -> setWhileIterating(expected, actual, value);
                    default -> {
                        if (random.nextInt(20) == 0) {
                            actual.clear();
                            expected.clear();
                        }
                    }
                }
                assertThat(new ArrayList<>(actual.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
                assertThat(actual).isEqualTo(expected);
                assertThat(expected).isEqualTo(actual);
                assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
                assertThat(actual.size()).isEqualTo(expected.size());
            }
        }
    }

    private static void removeWhileIterating(
            Map<String, Integer> expected, Map<String, Integer> actual, int remainder) {
        for (Map<String, Integer> map : List.of(expected, actual)) {
            Iterator<Map.Entry<String, Integer>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                if (it.next().getValue() % 3 == remainder) {
                    it.remove();
                }
            }
        }
    }

    private static void setWhileIterating(Map<String, Integer> expected, Map<String, Integer> actual, int value) {
        for (Map<String, Integer> map : List.of(expected, actual)) {
            for (Map.Entry<String, Integer> e : map.entrySet()) {
                if (e.getKey().hashCode() % 2 == 0) {
                    assertThat(e.setValue(value)).isNotNull();
                }
            }
        }
    }

    @Test
    void growsPastWhatWasExpected() {
        Map<String, Integer> map = new ArrayMap<>(1);
        for (int i = 0; i < 50; i++) {
            map.put("k" + i, i);
        }
        assertThat(map).hasSize(50).containsEntry("k0", 0).containsEntry("k49", 49);
        assertThat(map.keySet()).startsWith("k0", "k1", "k2");
    }

    @Test
    void failsFastWhenChangedDuringIteration() {
        Map<String, Integer> map = new ArrayMap<>(2);
        map.put("a", 1);
        map.put("b", 2);
        Iterator<String> keys = map.keySet().iterator();
        keys.next();
        map.put("c", 3);
        assertThatThrownBy(keys::next).isInstanceOf(ConcurrentModificationException.class);
        Iterator<String> again = map.keySet().iterator();
        assertThatThrownBy(again::remove).isInstanceOf(IllegalStateException.class);
    }
}
