package io.alfred.gitops.support;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An insertion-ordered map kept in one array of keys and values, for the many small JSON objects a
 * render holds (a metadata block, a label set, a container): some 30 bytes plus 8 per entry, where a
 * {@link java.util.LinkedHashMap} takes about 150 plus 40 per entry. Lookups scan the array, so it
 * is for small maps only; a large one belongs in a hash map. Not thread-safe, like LinkedHashMap:
 * safe to read from many threads once built.
 */
public final class ArrayMap<K, V> extends AbstractMap<K, V> {
    /** Keys at even indexes, each followed by its value. */
    private Object[] slots;

    private int size;
    private int modCount;

    /** @param expected entries it will hold (it grows past them if needed) */
    public ArrayMap(int expected) {
        slots = new Object[2 * Math.max(expected, 1)];
    }

    @Override
    public int size() {
        return size;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < 2 * size; i += 2) {
            if (Objects.equals(slots[i], key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) slots[i + 1];
    }

    @Override
    @SuppressWarnings("unchecked")
    public V put(K key, V value) {
        int i = indexOf(key);
        if (i >= 0) {
            V old = (V) slots[i + 1];
            slots[i + 1] = value;
            return old;
        }
        if (2 * size == slots.length) {
            slots = Arrays.copyOf(slots, 2 * slots.length);
        }
        slots[2 * size] = key;
        slots[2 * size + 1] = value;
        size++;
        modCount++;
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        V old = (V) slots[i + 1];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        System.arraycopy(slots, i + 2, slots, i, 2 * size - i - 2);
        size--;
        slots[2 * size] = null;
        slots[2 * size + 1] = null;
        modCount++;
    }

    @Override
    public void clear() {
        Arrays.fill(slots, 0, 2 * size, null);
        size = 0;
        modCount++;
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<K, V>> iterator() {
                return new Entries();
            }
        };
    }

    /** Entries in insertion order; {@link Iterator#remove} and {@link Entry#setValue} write through. */
    private final class Entries implements Iterator<Entry<K, V>> {
        private int next;
        private int last = -1;
        private int expectedModCount = modCount;

        @Override
        public boolean hasNext() {
            return next < 2 * size;
        }

        @Override
        public Entry<K, V> next() {
            if (modCount != expectedModCount) {
                throw new ConcurrentModificationException();
            }
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            last = next;
            next += 2;
            return new Slot(last);
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException();
            }
            if (modCount != expectedModCount) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expectedModCount = modCount;
        }
    }

    private final class Slot implements Entry<K, V> {
        private final int index;

        Slot(int index) {
            this.index = index;
        }

        @Override
        @SuppressWarnings("unchecked")
        public K getKey() {
            return (K) slots[index];
        }

        @Override
        @SuppressWarnings("unchecked")
        public V getValue() {
            return (V) slots[index + 1];
        }

        @Override
        public V setValue(V value) {
            V old = getValue();
            slots[index + 1] = value;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry<?, ?> e
                    && Objects.equals(getKey(), e.getKey())
                    && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }
}
