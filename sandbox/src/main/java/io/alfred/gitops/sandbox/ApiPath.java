package io.alfred.gitops.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request path of the Kubernetes API, taken apart:
 * {@code /apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]?query}.
 */
record ApiPath(
        String raw,
        String group,
        String version,
        String namespace,
        String plural,
        String name,
        String subresource,
        Map<String, String> query) {

    static ApiPath parse(String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Map<String, String> query = new HashMap<>();
        if (q >= 0) {
            for (String pair : uri.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                query.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        List<String> s = Arrays.stream(path.split("/"))
                .filter(p -> !p.isEmpty())
                .map(ApiPath::segment)
                .toList();
        String group;
        int i;
        if (!s.isEmpty() && s.get(0).equals("api")) {
            group = "";
            i = 1;
        } else if (!s.isEmpty() && s.get(0).equals("apis") && s.size() >= 2) {
            group = s.get(1);
            i = 2;
        } else {
            return new ApiPath(uri, null, null, null, null, null, null, query);
        }
        String version = s.size() > i ? s.get(i++) : null;
        String namespace = null;
        if (s.size() > i + 1
                && s.get(i).equals("namespaces")
                && !(s.size() == i + 3
                        && (s.get(i + 2).equals("status") || s.get(i + 2).equals("finalize")))) {
            if (s.size() > i + 2) {
                namespace = s.get(i + 1);
                i += 2;
            }
        }
        String plural = s.size() > i ? s.get(i++) : null;
        String name = s.size() > i ? s.get(i++) : null;
        String sub = s.size() > i ? s.get(i) : null;
        return new ApiPath(uri, group, version, namespace, plural, name, sub, query);
    }

    /**
     * A path segment as the client meant it: the mock server reads the request line as ISO-8859-1,
     * so a name sent as raw UTF-8 bytes is read back as UTF-8; percent escapes are decoded.
     */
    private static String segment(String raw) {
        String text = raw.chars().allMatch(c -> c < 0x100)
                ? new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
                : raw;
        return text.indexOf('%') < 0 ? text : decode(text.replace("+", "%2B"));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    boolean isDiscovery() {
        return group != null && plural == null;
    }

    boolean dryRun() {
        return "All".equals(query.get("dryRun"));
    }

    boolean force() {
        return "true".equals(query.get("force"));
    }

    String fieldManager() {
        return query.get("fieldManager");
    }
}
