package io.alfred.gitops.pubsub;

/**
 * A topic or subscription the daemon depends on, with what it is for and how to create it or grant
 * access to it, for the one line that says what to do when it is missing or forbidden.
 */
public record PubSubResource(Kind kind, String project, String name, String role, String consequence) {
    public enum Kind {
        TOPIC,
        SUBSCRIPTION
    }

    public static PubSubResource eventsTopic(String project, String topic) {
        return new PubSubResource(
                Kind.TOPIC, project, topic, "events topic (gitops.events.topic)", "events wait in the outbox");
    }

    public static PubSubResource triggerSubscription(String project, String subscription) {
        return new PubSubResource(
                Kind.SUBSCRIPTION,
                project,
                subscription,
                "trigger subscription (gitops.trigger.subscription)",
                "push triggers are off meanwhile, the schedule still polls");
    }

    public static PubSubResource promotionSubscription(String project, String subscription) {
        return new PubSubResource(
                Kind.SUBSCRIPTION,
                project,
                subscription,
                "promotion subscription (gitops.promotion.subscription)",
                "proofs from the environments promoted before this one do not arrive, so new revisions wait");
    }

    /** The subscription the dashboard's fleet page reads the events topic from ({@code gitops.fleet.subscription}). */
    public static PubSubResource fleetSubscription(String project, String subscription) {
        return new PubSubResource(
                Kind.SUBSCRIPTION,
                project,
                subscription,
                "fleet subscription (gitops.fleet.subscription)",
                "the fleet page at /fleet shows no other cluster");
    }

    /** The subscription {@code alfred-gitops events} reads (not the daemon's). */
    public static PubSubResource eventsSubscription(String project, String subscription) {
        return new PubSubResource(
                Kind.SUBSCRIPTION,
                project,
                subscription,
                "events subscription",
                "the events command has nothing to read");
    }

    /** {@code projects/p/topics/t} or {@code projects/p/subscriptions/s}. */
    public String path() {
        return "projects/" + project + (kind == Kind.TOPIC ? "/topics/" : "/subscriptions/") + name;
    }

    /** A key for metrics and JSON: {@code events-topic}, {@code trigger-subscription}. */
    public String key() {
        return role.substring(0, role.indexOf(" (") < 0 ? role.length() : role.indexOf(" ("))
                .replace(' ', '-');
    }

    public String createCommand() {
        return kind == Kind.TOPIC
                ? "gcloud pubsub topics create " + name + " --project " + project
                : "gcloud pubsub subscriptions create " + name + " --topic TOPIC --enable-message-ordering --project "
                        + project;
    }

    public String grantCommand() {
        String role = kind == Kind.TOPIC ? "roles/pubsub.publisher" : "roles/pubsub.subscriber";
        return "gcloud pubsub " + (kind == Kind.TOPIC ? "topics" : "subscriptions") + " add-iam-policy-binding " + name
                + " --member serviceAccount:SERVICE_ACCOUNT --role " + role + " --project " + project;
    }
}
