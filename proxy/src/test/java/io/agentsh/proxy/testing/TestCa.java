package io.agentsh.proxy.testing;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;

/** A throwaway CA and one leaf certificate for the TLS stand-in (generated per test run). */
public final class TestCa {
    public final X509Certificate caCert;
    public final X509Certificate leafCert;
    public final KeyPair leafKey;

    public TestCa(String... dnsNames) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair ca = g.generateKeyPair();
        leafKey = g.generateKeyPair();
        Date from = new Date(System.currentTimeMillis() - 60_000);
        Date to = new Date(System.currentTimeMillis() + 86_400_000L);
        X500Name caName = new X500Name("CN=agentsh test CA");
        var cab = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName, ca.getPublic());
        cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        cab.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        caCert = new JcaX509CertificateConverter().getCertificate(
                cab.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
        var lb = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from, to,
                new X500Name("CN=" + dnsNames[0]), leafKey.getPublic());
        GeneralName[] names = new GeneralName[dnsNames.length];
        for (int i = 0; i < dnsNames.length; i++) names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
        lb.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        lb.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        leafCert = new JcaX509CertificateConverter().getCertificate(
                lb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
    }

    public SslContext serverContext() throws Exception {
        return SslContextBuilder.forServer(leafKey.getPrivate(), leafCert, caCert).build();
    }

    public Path writeCaPem(Path dir) throws Exception {
        Path p = dir.resolve("test-ca.pem");
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(caCert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.writeString(p, pem);
        return p;
    }
}
