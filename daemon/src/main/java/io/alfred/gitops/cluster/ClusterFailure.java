package io.alfred.gitops.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Why the API server could not be used at all, as opposed to refusing one object: the name does
 * not resolve, nothing listens, nothing answers, the TLS handshake fails, the credentials are
 * refused (401) or lack a permission (403). Each gets its own wording; commands exit 2 for them.
 */
public record ClusterFailure(Kind kind, String reason) {
    public enum Kind {
        UNKNOWN_HOST,
        REFUSED,
        TIMEOUT,
        TLS,
        UNAUTHORIZED,
        FORBIDDEN
    }

    /**
     * The real API server's RBAC denial: {@code ... cannot list resource "deployments" in API group "apps" in the
     * namespace "x"}.
     */
    /** What OkHttp's call timeout says, an {@link InterruptedIOException} of its own. */
    private static final String OKHTTP_TIMEOUT = "timeout";

    private static final Pattern RBAC_DENIAL = Pattern.compile("User \"([^\"]*)\" cannot (\\S+) resource \"([^\"]+)\""
            + "(?: in API group \"([^\"]*)\")?(?: in the namespace \"([^\"]+)\"| at the cluster scope)?");

    /** The access problem behind a failure, if that is what it is (the cause chain is searched). */
    public static Optional<ClusterFailure> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<ClusterFailure> found = classify(t);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    public static boolean isAccessProblem(Throwable failure) {
        return of(failure).isPresent();
    }

    /** The server's address or certificate is wrong, or it is down (not the credentials). */
    public boolean isAddressProblem() {
        return kind != Kind.UNAUTHORIZED && kind != Kind.FORBIDDEN;
    }

    private static Optional<ClusterFailure> classify(Throwable t) {
        if (t instanceof KubernetesClientException k && k.getCode() == 401) {
            return Optional.of(new ClusterFailure(
                    Kind.UNAUTHORIZED,
                    "credentials refused (401 Unauthorized): the token or client certificate is invalid or expired"));
        }
        if (t instanceof KubernetesClientException k && k.getCode() == 403) {
            return Optional.of(new ClusterFailure(Kind.FORBIDDEN, forbidden(k)));
        }
        if (t instanceof UnknownHostException) {
            return Optional.of(
                    new ClusterFailure(Kind.UNKNOWN_HOST, "cannot resolve host " + t.getMessage() + " (DNS)"));
        }
        if (isTimeout(t)) {
            return Optional.of(
                    new ClusterFailure(Kind.TIMEOUT, "no answer (connect timeout: gitops.cluster.connect-timeout)"));
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
            return Optional.of(
                    new ClusterFailure(Kind.REFUSED, "connection refused: is the API server running at this address?"));
        }
        if (isTls(t)) {
            return Optional.of(new ClusterFailure(
                    Kind.TLS,
                    "TLS handshake failed (" + firstLine(deepestTls(t).getMessage())
                            + "): the server's certificate does not match the kubeconfig's "
                            + "certificate-authority or server name"));
        }
        return Optional.empty();
    }

    private static boolean isTls(Throwable t) {
        return t instanceof SSLException || t instanceof GeneralSecurityException;
    }

    /** The innermost TLS failure says what is wrong ("No subject alternative names matching ..."). */
    private static Throwable deepestTls(Throwable t) {
        Throwable deepest = t;
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (isTls(c)) {
                deepest = c;
            }
        }
        return deepest;
    }

    private static boolean isTimeout(Throwable t) {
        // Netty's ConnectTimeoutException is a ConnectException: look at timeouts first. OkHttp's
        // call timeout (Okio's) is an InterruptedIOException whose message is "timeout"
        return t instanceof SocketTimeoutException
                || t instanceof TimeoutException
                || (t instanceof InterruptedIOException && OKHTTP_TIMEOUT.equals(t.getMessage()))
                || t.getClass().getSimpleName().contains("Timeout");
    }

    /** Names the verb, the resource and the namespace the credentials lack, from the server's own denial. */
    static String forbidden(KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        Matcher m = RBAC_DENIAL.matcher(message == null ? "" : message);
        if (m.find()) {
            String group = m.group(4) == null || m.group(4).isEmpty() ? "" : "." + m.group(4);
            String where = m.group(5) != null ? "in namespace " + m.group(5) : "at cluster scope";
            return "forbidden (403): " + m.group(1) + " may not " + m.group(2) + " " + m.group(3) + group + " " + where
                    + ": grant it in the daemon's ClusterRole";
        }
        String resource = e.getFullResourceName() != null ? e.getFullResourceName() : "the resource";
        String where = e.getNamespace() != null ? " in namespace " + e.getNamespace() : "";
        return "forbidden (403) on " + resource + where + ": " + firstLine(message)
                + ": grant it in the daemon's ClusterRole";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
