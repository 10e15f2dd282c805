package io.github.vstreamcdc.source.client;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * PEM files as the PKCS#12 key stores that MySQL Connector/J reads (it takes key store URLs, not
 * PEM). The stores are short-lived temporary files, written for one connection attempt.
 */
@Internal
final class PemKeyStores {

    private PemKeyStores() {}

    /** A trust store holding the certificates of a PEM file. */
    static KeyStore trustStore(String caPemPath) throws IOException, GeneralSecurityException {
        KeyStore store = emptyStore();
        int i = 0;
        for (Certificate cert : certificates(caPemPath)) {
            store.setCertificateEntry("ca-" + i++, cert);
        }
        if (i == 0) {
            throw new GeneralSecurityException("no certificate in " + caPemPath);
        }
        return store;
    }

    /** A key store holding a PEM certificate chain and its PKCS#8 PEM private key. */
    static KeyStore keyStore(String certPemPath, String keyPemPath, char[] password)
            throws IOException, GeneralSecurityException {
        List<Certificate> chain = certificates(certPemPath);
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + certPemPath);
        }
        KeyStore store = emptyStore();
        store.setKeyEntry(
                "client", privateKey(keyPemPath), password, chain.toArray(new Certificate[0]));
        return store;
    }

    /** Writes the store to a new temporary file only the current user can read. */
    static Path write(KeyStore store, char[] password)
            throws IOException, GeneralSecurityException {
        Path file = Files.createTempFile("planetscale-cdc-", ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }

    static char[] randomPassword() {
        return UUID.randomUUID().toString().toCharArray();
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static List<Certificate> certificates(String path)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Paths.get(path))) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            return new ArrayList<>(certs);
        }
    }

    static PrivateKey privateKey(String path) throws IOException, GeneralSecurityException {
        String pem = new String(Files.readAllBytes(Paths.get(path)), StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = from < 0 ? -1 : pem.indexOf(end, from);
        if (from < 0 || to < 0) {
            throw new GeneralSecurityException(
                    path
                            + " is not a PKCS#8 PEM private key ("
                            + begin
                            + " ... "
                            + end
                            + "); convert it with 'openssl pkcs8 -topk8 -nocrypt'");
        }
        PKCS8EncodedKeySpec spec;
        try {
            spec =
                    new PKCS8EncodedKeySpec(
                            Base64.getDecoder()
                                    .decode(
                                            pem.substring(from + begin.length(), to)
                                                    .replaceAll("\\s", "")));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(
                    path + " is not a PKCS#8 PEM private key: its body is not Base64", e);
        }
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("cannot read the private key in " + path, last);
    }
}
