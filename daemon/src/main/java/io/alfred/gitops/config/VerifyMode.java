package io.alfred.gitops.config;

import java.util.Locale;
import java.util.Optional;

/** Which signatures a revision needs ({@code gitops.source.verify.mode}), as Flux's {@code verify.mode}. */
public enum VerifyMode {
    /** Nothing is verified. */
    OFF,
    /** The commit the ref points to is signed by a trusted key. */
    HEAD,
    /** The ref names an annotated tag signed by a trusted key (the commit may be unsigned). */
    TAG,
    /** Both. */
    TAG_AND_HEAD;

    public static Optional<VerifyMode> parse(String text) {
        for (VerifyMode m : values()) {
            if (m.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean head() {
        return this == HEAD || this == TAG_AND_HEAD;
    }

    public boolean tag() {
        return this == TAG || this == TAG_AND_HEAD;
    }
}
