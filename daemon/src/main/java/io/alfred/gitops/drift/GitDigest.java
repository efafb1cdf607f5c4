package io.alfred.gitops.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alfred.gitops.support.Sha256;
import java.nio.ByteBuffer;

/**
 * The identity of one git object's content: the first 128 bits of the SHA-256 of its JSON. The view
 * keeps it with each verdict instead of the object, so that a verdict is used only for the very
 * content it was made for. Two renders that write the same object alike give the same digest.
 */
record GitDigest(long high, long low) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static GitDigest of(JsonNode git) {
        try {
            ByteBuffer sha = ByteBuffer.wrap(Sha256.digest().digest(JSON.writeValueAsBytes(git)));
            return new GitDigest(sha.getLong(), sha.getLong());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot digest a rendered object", e);
        }
    }
}
