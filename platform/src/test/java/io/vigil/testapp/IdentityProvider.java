package io.vigil.testapp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An identity provider as far as Vigil sees one: a JWKS endpoint on 127.0.0.1 serving the public halves of an
 * RSA and an EC key, and tokens signed with their private halves. Also signs HS256 tokens with any secret and
 * unsigned ({@code alg: none}) ones, for the tokens an attacker would send.
 */
public final class IdentityProvider implements AutoCloseable {
    private final RSAKey rsa;
    private final ECKey ec;
    private final HttpServer server;

    private IdentityProvider(RSAKey rsa, ECKey ec, HttpServer server) {
        this.rsa = rsa;
        this.ec = ec;
        this.server = server;
    }

    public static IdentityProvider start() {
        try {
            RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            byte[] jwks = new JWKSet(java.util.List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString()
                    .getBytes(StandardCharsets.UTF_8);
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/realms/lab/protocol/openid-connect/certs", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
            return new IdentityProvider(rsa, ec, server);
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException("cannot start the test identity provider", e);
        }
    }

    public String jwkSetUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/lab/protocol/openid-connect/certs";
    }

    public String rs256(JWTClaimsSet claims) {
        return sign(JWSAlgorithm.RS256, rsa.getKeyID(), claims, signer(() -> new RSASSASigner(rsa)));
    }

    public String es256(JWTClaimsSet claims) {
        return sign(JWSAlgorithm.ES256, ec.getKeyID(), claims, signer(() -> new ECDSASigner(ec)));
    }

    /** RS256 with a key the provider does not publish. */
    public static String rs256WithUnknownKey(JWTClaimsSet claims) {
        try {
            RSAKey other = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            return sign(JWSAlgorithm.RS256, other.getKeyID(), claims, new RSASSASigner(other));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hs256(JWTClaimsSet claims, String secret) {
        return sign(JWSAlgorithm.HS256, null, claims, signer(() -> new MACSigner(secret.getBytes(StandardCharsets.UTF_8))));
    }

    /** {@code alg: none}, no signature: what a forger sends hoping the verifier takes the header's word. */
    public static String unsigned(JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static String sign(JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private interface SignerFactory {
        JWSSigner create() throws JOSEException;
    }

    private static JWSSigner signer(SignerFactory factory) {
        try {
            return factory.create();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
