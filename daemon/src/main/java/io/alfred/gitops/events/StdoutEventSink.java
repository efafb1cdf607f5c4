package io.alfred.gitops.events;

import java.io.PrintStream;

/** Without a topic: one CloudEvents JSON document per line on standard output. */
public final class StdoutEventSink implements EventSink {
    private final PrintStream out;

    public StdoutEventSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void emit(DeployEvent event) {
        out.println(event.toJsonLine());
        out.flush();
    }
}
