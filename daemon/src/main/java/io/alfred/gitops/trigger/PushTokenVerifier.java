package io.alfred.gitops.trigger;

import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Authenticates Pub/Sub push requests as Google documents it: the bearer token is a JWT signed by a
 * key of the JWKS (Google's certs by default, cached), issued by {@code accounts.google.com}, for the
 * configured audience, with the configured service account as a verified {@code email}.
 */
public final class PushTokenVerifier {
    private final JwtConsumer consumer;
    private final String serviceAccount;

    public PushTokenVerifier(String jwksUrl, String audience, String serviceAccount) {
        this.serviceAccount = serviceAccount;
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .setExpectedIssuers(true, "accounts.google.com", "https://accounts.google.com")
                .setExpectedAudience(audience)
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(jwksUrl)))
                .build();
    }

    /** jose4j quotes an unparsable token (or its parts) in its messages: a bearer token must never reach a log. */
    static String withoutToken(String message, String token) {
        String out = message.replace(token, "<token>");
        for (String part : token.split("\\.")) {
            if (part.length() >= 8) {
                out = out.replace(part, "<token part>");
            }
        }
        return out;
    }

    /** Null when the token is good, else why it is not (for the log; the caller answers 401 either way). */
    public String reject(String authorization) {
        String token = WebhookAuth.bearer(authorization);
        if (token == null) {
            return "no bearer token";
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            if (!serviceAccount.equals(claims.getStringClaimValue("email"))) {
                return "email is not " + serviceAccount;
            }
            if (!Boolean.TRUE.equals(claims.getClaimValue("email_verified"))) {
                return "email not verified";
            }
            return null;
        } catch (InvalidJwtException e) {
            return "invalid token: "
                    + withoutToken(
                            e.getErrorDetails().stream()
                                    .map(d -> d.getErrorMessage())
                                    .findFirst()
                                    .orElse("?"),
                            token);
        } catch (MalformedClaimException e) {
            return "malformed claim: " + withoutToken(e.getMessage(), token);
        }
    }
}
