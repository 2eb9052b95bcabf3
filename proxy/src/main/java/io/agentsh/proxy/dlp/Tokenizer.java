package io.agentsh.proxy.dlp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stable tokens for tokenize mode: the same secret gives the same token for the whole session
 * (so an agent can still tell two keys apart), and nothing about the secret can be learnt from
 * the token without the per-session key. 64 bits of HMAC-SHA256 keep collisions negligible.
 */
public final class Tokenizer {
    private final Mac prototype;

    public Tokenizer(byte[] sessionKey) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(sessionKey.clone(), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public static Tokenizer withRandomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new Tokenizer(key);
    }

    public String token(String secret) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        byte[] h = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h, 0, 8);
    }
}
