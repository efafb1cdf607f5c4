package io.alfred.gitops.cli;

/** Exit codes of the command table of docs/reference.md. */
final class ExitCodes {
    static final int OK = 0;
    static final int CHANGES_OR_FAILED = 1;
    static final int ERROR = 2;
    static final int BLOCKED = 3;

    private ExitCodes() {}
}
