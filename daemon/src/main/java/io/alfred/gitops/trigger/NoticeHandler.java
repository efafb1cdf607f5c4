package io.alfred.gitops.trigger;

import io.alfred.gitops.preview.PreviewSink;
import io.alfred.gitops.preview.PullRequest;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What every push channel does with a notification: parse it, ignore another repository or ref,
 * count and log a malformed one once, and queue a cycle for a match.
 */
public final class NoticeHandler {
    private static final Logger LOG = Logger.getLogger(NoticeHandler.class);

    /** What became of a notification. */
    public enum Result {
        ACCEPTED,
        IGNORED,
        MALFORMED,
        NOT_RUNNING,
        DUPLICATE,
        /** it named a pull request's head ({@code refs/pull/7/head}): a preview was queued */
        PREVIEW
    }

    private final RepoMatcher matcher;
    private final TriggerSink sink;
    private final TriggerMetrics metrics;
    private final DeliveryLog deliveries;
    private final PreviewSink previews;

    public NoticeHandler(
            RepoMatcher matcher,
            TriggerSink sink,
            PreviewSink previews,
            TriggerMetrics metrics,
            DeliveryLog deliveries) {
        this.matcher = matcher;
        this.sink = sink;
        this.previews = previews;
        this.metrics = metrics;
        this.deliveries = deliveries;
    }

    public Result handle(String source, Trigger.Kind kind, String id, byte[] body, Map<String, String> attributes) {
        if (deliveries.seen(source, id)) {
            LOG.infof("trigger: %s delivery %s was accepted before; replay ignored", source, id);
            metrics.count(source, "duplicate");
            return Result.DUPLICATE;
        }
        List<PushNotice> notices;
        try {
            notices = PushNotices.parse(body, attributes);
        } catch (MalformedNoticeException e) {
            LOG.warnf("trigger: malformed %s notification %s: %s", source, id, e.getMessage());
            metrics.count(source, "malformed");
            return Result.MALFORMED;
        }
        for (PushNotice notice : notices) {
            var pr = PullRequest.ofHeadRef(notice.ref(), notice.revision(), false, notice.actor());
            if (pr.isPresent() && matcher.matchesRepository(notice.repositories())) {
                return preview(source, id, pr.get());
            }
        }
        PushNotice match = notices.stream().filter(matcher::matches).findFirst().orElse(null);
        if (match == null) {
            LOG.debugf("trigger: %s notification %s is for another repository or ref; ignored", source, id);
            metrics.count(source, "ignored");
            return Result.IGNORED;
        }
        if (!sink.offer(new Trigger(kind, match.revision(), id, match.actor()))) {
            return Result.NOT_RUNNING;
        }
        deliveries.accepted(source, id);
        LOG.infof(
                "trigger: %s push of %s to %s (%s) queued",
                source, match.revision() == null ? "?" : match.revision(), match.ref(), id);
        metrics.count(source, "accepted");
        return Result.ACCEPTED;
    }

    /** A pull request's head, to preview (never to deploy). */
    public Result preview(String source, String id, PullRequest pr) {
        if (deliveries.seen(source, id)) {
            metrics.count(source, "duplicate");
            return Result.DUPLICATE;
        }
        if (!previews.offer(pr)) {
            return Result.NOT_RUNNING;
        }
        deliveries.accepted(source, id);
        LOG.infof("trigger: %s notice of %s queued as a preview (%s)", source, pr, id);
        metrics.count(source, "preview");
        return Result.PREVIEW;
    }
}
