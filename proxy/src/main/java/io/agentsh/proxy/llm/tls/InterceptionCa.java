package io.agentsh.proxy.llm.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The per-install CA for optional TLS interception of the configured LLM provider hosts (off by
 * default). Created on first use in a directory only root can read ({@code ca.key} 0600,
 * {@code ca.crt} 0644, EC P-256, 10 years) and reused afterwards; leaf certificates (one per
 * host, 30 days, cached) are issued on demand.
 *
 * <p>Making a session trust it: the daemon adds {@code ca.crt} to the session's trust, without
 * touching the machine's store, by pointing the usual variables at a bundle of the system CAs plus
 * this one: {@code SSL_CERT_FILE} (OpenSSL, Python ssl, curl, Go), {@code REQUESTS_CA_BUNDLE}
 * (requests), {@code NODE_EXTRA_CA_CERTS} (Node: ca.crt alone), {@code CURL_CA_BUNDLE}; see
 * {@link #sessionTrustEnvironment(Path)}.
 */
public final class InterceptionCa {
    private static final String NAME = "CN=agentsh LLM interception CA, O=agentsh";
    private final X509Certificate caCert;
    private final PrivateKey caKey;
    private final Path certFile;
    private final Map<String, SslContext> leaves = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    private InterceptionCa(X509Certificate caCert, PrivateKey caKey, Path certFile) {
        this.caCert = caCert;
        this.caKey = caKey;
        this.certFile = certFile;
    }

    /** Loads the CA from {@code dir}, creating it (and the directory, 0700) on first use. */
    public static InterceptionCa loadOrCreate(Path dir) throws IOException {
        Path crt = dir.resolve("ca.crt");
        Path key = dir.resolve("ca.key");
        try {
            if (Files.exists(crt) && Files.exists(key)) {
                return new InterceptionCa(readCert(crt), readKey(key), crt);
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            KeyPair kp = ecKeys();
            X500Name name = new X500Name(NAME);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = sign(b, kp.getPrivate());
            writePem(key, kp.getPrivate(), "rw-------");
            writePem(crt, cert, "rw-r--r--");
            return new InterceptionCa(cert, kp.getPrivate(), crt);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create the interception CA in " + dir + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return caCert;
    }

    public Path certificateFile() {
        return certFile;
    }

    /** A server-side TLS context presenting a certificate for {@code host} (a name or an IP literal). */
    public SslContext serverContext(String host) {
        return leaves.computeIfAbsent(host.toLowerCase(java.util.Locale.ROOT), h -> {
            try {
                KeyPair kp = ecKeys();
                Instant now = Instant.now();
                JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, new BigInteger(64, random),
                        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))),
                        new X500Name("CN=" + h), kp.getPublic());
                GeneralName san = isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h);
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                X509Certificate leaf = sign(b, caKey);
                return SslContextBuilder.forServer(kp.getPrivate(), leaf, caCert).build();
            } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
                throw new IllegalStateException("cannot issue an interception certificate for " + h + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * Environment that makes a session's common TLS stacks trust this CA: {@code bundle} is written
     * (0644) with the system CAs from {@code systemBundle} (may be null) followed by this CA.
     */
    public Map<String, String> sessionTrustEnvironment(Path bundle, Path systemBundle) throws IOException {
        StringBuilder pem = new StringBuilder();
        if (systemBundle != null && Files.isReadable(systemBundle)) {
            pem.append(Files.readString(systemBundle)).append('\n');
        }
        pem.append(Files.readString(certFile));
        Files.writeString(bundle, pem);
        Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString("rw-r--r--"));
        String b = bundle.toString();
        return Map.of("SSL_CERT_FILE", b, "REQUESTS_CA_BUNDLE", b, "CURL_CA_BUNDLE", b,
                "NODE_EXTRA_CA_CERTS", certFile.toString());
    }

    /** Same as {@link #sessionTrustEnvironment(Path, Path)} with Debian's system bundle. */
    public Map<String, String> sessionTrustEnvironment(Path bundle) throws IOException {
        return sessionTrustEnvironment(bundle, Path.of("/etc/ssl/certs/ca-certificates.crt"));
    }

    private static boolean isIpLiteral(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static void writePem(Path file, Object o, String perms) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            // keys as PKCS#8 ("PRIVATE KEY"): self-describing, readable by openssl and by us
            w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
        }
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)));
        Files.writeString(file, sw.toString());
    }

    private static X509Certificate readCert(Path crt) throws IOException, GeneralSecurityException {
        try (PEMParser p = new PEMParser(Files.newBufferedReader(crt))) {
            return new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) p.readObject());
        }
    }

    private static PrivateKey readKey(Path key) throws IOException {
        try (PEMParser p = new PEMParser(Files.newBufferedReader(key))) {
            Object o = p.readObject();
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return c.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo pki) {
                return c.getPrivateKey(pki);
            }
            throw new IOException(key + ": not a PEM private key");
        }
    }

}
