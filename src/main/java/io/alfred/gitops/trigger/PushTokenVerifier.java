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

    /** Null when the token is good, else why it is not (for the log; the caller answers 401 either way). */
    public String reject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return "no bearer token";
        }
        try {
            JwtClaims claims = consumer.processToClaims(authorization.substring("Bearer ".length()).trim());
            if (!serviceAccount.equals(claims.getStringClaimValue("email"))) {
                return "email is not " + serviceAccount;
            }
            if (!Boolean.TRUE.equals(claims.getClaimValue("email_verified"))) {
                return "email not verified";
            }
            return null;
        } catch (InvalidJwtException e) {
            return "invalid token: " + e.getErrorDetails().stream().map(d -> d.getErrorMessage()).findFirst().orElse("?");
        } catch (MalformedClaimException e) {
            return "malformed claim: " + e.getMessage();
        }
    }
}
