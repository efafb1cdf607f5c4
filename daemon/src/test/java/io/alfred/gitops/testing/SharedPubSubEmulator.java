package io.alfred.gitops.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Pub/Sub emulator for all the tests of a class, started before them (or the class skipped
 * when there is none) and stopped after them:
 * {@code @RegisterExtension static final SharedPubSubEmulator EMULATOR = new SharedPubSubEmulator();}
 */
public final class SharedPubSubEmulator implements BeforeAllCallback, AfterAllCallback {
    private PubSubEmulator emulator;

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator = PubSubEmulator.startOrSkip();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (emulator != null) {
            emulator.close();
        }
    }

    public PubSubEmulator get() {
        return emulator;
    }
}
