package io.alfred.gitops.trigger;

/** A notification that is none of the understood forms. */
public class MalformedNoticeException extends RuntimeException {
    public MalformedNoticeException(String message) {
        super(message);
    }
}
