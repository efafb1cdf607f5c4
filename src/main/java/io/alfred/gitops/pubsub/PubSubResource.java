package io.alfred.gitops.pubsub;

/**
 * A topic or subscription the daemon depends on, with what it is for and how to create it or grant
 * access to it, for the one line that says what to do when it is missing or forbidden.
 */
public record PubSubResource(Kind kind, String project, String name, String role) {
    public enum Kind {
        TOPIC, SUBSCRIPTION
    }

    public static PubSubResource eventsTopic(String project, String topic) {
        return new PubSubResource(Kind.TOPIC, project, topic, "events topic (gitops.events.topic)");
    }

    public static PubSubResource triggerSubscription(String project, String subscription) {
        return new PubSubResource(Kind.SUBSCRIPTION, project, subscription, "trigger subscription (gitops.trigger.subscription)");
    }

    public static PubSubResource promotionSubscription(String project, String subscription) {
        return new PubSubResource(Kind.SUBSCRIPTION, project, subscription,
                "promotion subscription (gitops.promotion.subscription)");
    }

    public static PubSubResource eventsSubscription(String project, String subscription) {
        return new PubSubResource(Kind.SUBSCRIPTION, project, subscription, "events subscription");
    }

    /** What the daemon goes without while this resource is missing or unusable. */
    public String consequence() {
        return switch (key()) {
            case "events-topic" -> "events wait in the outbox";
            case "promotion-subscription" -> "proofs from the environments promoted before this one do not arrive, "
                    + "so new revisions wait";
            default -> "push triggers are off meanwhile, the schedule still polls";
        };
    }

    /** {@code projects/p/topics/t} or {@code projects/p/subscriptions/s}. */
    public String path() {
        return "projects/" + project + (kind == Kind.TOPIC ? "/topics/" : "/subscriptions/") + name;
    }

    /** A key for metrics and JSON: {@code events-topic}, {@code trigger-subscription}. */
    public String key() {
        return role.substring(0, role.indexOf(" (") < 0 ? role.length() : role.indexOf(" (")).replace(' ', '-');
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
