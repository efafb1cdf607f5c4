package io.alfred.gitops.dashboard;

import com.google.pubsub.v1.PubsubMessage;
import io.alfred.gitops.events.FleetView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What the fleet page shows: every cluster heard of on the events topic, through
 * {@code gitops.fleet.subscription} (the data of {@code events --fleet}). Empty until an event comes.
 */
@ApplicationScoped
public class FleetBoard {
    private final FleetView view = new FleetView();

    /** Takes one event from the subscription; always acknowledged (the page keeps the last word). */
    public boolean accept(PubsubMessage message) {
        view.accept(message);
        return true;
    }

    public List<FleetView.Cluster> clusters() {
        return view.clusters();
    }
}
