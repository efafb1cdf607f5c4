package io.alfred.gitops.render;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A source file's text, decoded as YAML readers (kubectl, Kustomize) decode it: UTF-8, or UTF-16
 * when the file starts with its byte order mark; a UTF-8 mark is dropped. Anything else that is not
 * valid UTF-8 is refused with the file's name, never decoded into replacement characters.
 */
final class SourceText {
    private SourceText() {}

    static String read(Path file, String display) {
        try {
            return decode(Files.readAllBytes(file), display);
        } catch (IOException e) {
            throw new RenderException(display, "cannot read: " + e.getMessage());
        }
    }

    static String decode(byte[] bytes, String display) {
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            return strict(ByteBuffer.wrap(bytes, 3, bytes.length - 3), StandardCharsets.UTF_8, display);
        }
        if (startsWith(bytes, 0xFF, 0xFE)) {
            return strict(ByteBuffer.wrap(bytes, 2, bytes.length - 2), StandardCharsets.UTF_16LE, display);
        }
        if (startsWith(bytes, 0xFE, 0xFF)) {
            return strict(ByteBuffer.wrap(bytes, 2, bytes.length - 2), StandardCharsets.UTF_16BE, display);
        }
        return strict(ByteBuffer.wrap(bytes), StandardCharsets.UTF_8, display);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String strict(ByteBuffer bytes, Charset charset, String display) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RenderException(
                    display,
                    "not valid " + charset.name().replace("UTF-16LE", "UTF-16").replace("UTF-16BE", "UTF-16") + ": "
                            + e.getMessage());
        }
    }
}
