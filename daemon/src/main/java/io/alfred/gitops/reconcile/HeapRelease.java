package io.alfred.gitops.reconcile;

/**
 * Gives the heap a large cycle grew back to the system as soon as the cycle ends. G1 returns memory
 * only after a full collection (or a little at the end of a marking), and its periodic collection
 * (jvm.options) waits for 15 s without any collection, which the small young collections of an idle
 * daemon can put off for long. A cycle over many objects (a cold apply, the relist safety net, a new
 * revision of a large render) leaves tens of MiB of garbage in the old generation; one full
 * collection then, about 0.1 s at 5,000 objects, brings the heap back to its live set plus the free
 * share jvm.options allows. Smaller cycles leave the heap to G1.
 */
final class HeapRelease {
    /** Objects in a cycle's render from which it is collected after. */
    static final int LARGE_CYCLE = 1_000;

    private final int threshold;
    private final Runnable collect;

    HeapRelease(int threshold, Runnable collect) {
        this.threshold = threshold;
        this.collect = collect;
    }

    /** The JVM's full collection, after cycles of {@link #LARGE_CYCLE} objects or more. */
    static HeapRelease ofJvm() {
        return new HeapRelease(LARGE_CYCLE, System::gc);
    }

    /**
     * A cycle over a render of {@code objects} objects ended.
     *
     * @return whether the heap was collected
     */
    boolean cycleEnded(int objects) {
        if (objects < threshold) {
            return false;
        }
        collect.run();
        return true;
    }
}
