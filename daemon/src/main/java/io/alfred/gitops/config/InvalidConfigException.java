package io.alfred.gitops.config;

import io.alfred.gitops.Stage;
import io.alfred.gitops.StageException;

/** A configuration value that is missing or wrong; the message names the key. */
public class InvalidConfigException extends StageException {
    public InvalidConfigException(String key, String reason) {
        super(Stage.CONFIG, key, reason);
    }
}
