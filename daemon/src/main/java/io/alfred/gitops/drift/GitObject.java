package io.alfred.gitops.drift;

import com.fasterxml.jackson.databind.JsonNode;

/** One object of a render as the view compares with it: the body, and its digest computed once per render. */
record GitObject(JsonNode body, GitDigest digest) {

    static GitObject of(JsonNode body) {
        return new GitObject(body, GitDigest.of(body));
    }

    /**
     * The digest of {@code other}: this one's when it is this very body, as it is when a plan asks about the render
     * it applies.
     */
    GitDigest digestOf(JsonNode other) {
        return other == body ? digest : GitDigest.of(other);
    }
}
