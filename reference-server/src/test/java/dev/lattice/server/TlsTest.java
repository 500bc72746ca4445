package dev.lattice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.server.config.ConfigException;
import dev.lattice.server.config.ServerConfig;
import dev.lattice.server.config.TlsFiles;
import dev.lattice.server.http.TlsException;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct TLS ({@code --tls-cert}, {@code --tls-key}): a real server on loopback with a self-signed certificate made
 * here, a client that trusts it, and one that does not.
 */
@Timeout(60)
class TlsTest {
  @TempDir Path dir;

  /** A self-signed certificate for 127.0.0.1 and its key, as PEM files. */
  private record Pem(X509Certificate certificate, Path cert, Path key) {}

  @Test
  void aClientTrustingTheCertificate_usesTheApiOverHttps_andOneThatDoesNotIsRefused() throws Exception {
    Pem ec = selfSigned("EC", "ec");
    ServerConfig config = TestServer.config(dir).withTls(TlsFiles.of(ec.cert(), ec.key()));
    try (TestServer server = TestServer.start(config, new DeviceDatabaseSyncs(dir))) {
      URI uri = server.uri();
      assertEquals("https", uri.getScheme());
      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(ec.certificate())).build();

      HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(uri.resolve("/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> space = trusting.send(HttpRequest.newBuilder(uri.resolve("/admin/spaces"))
          .header("Authorization", "Bearer " + TestServer.ADMIN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"over tls\"}")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertEquals(200, health.statusCode(), health::body);
      assertEquals(201, space.statusCode(), space::body);
      HttpClient ordinary = HttpClient.newHttpClient(); // the JDK's trust store: a self-signed certificate is unknown
      assertThrows(SSLHandshakeException.class, () -> ordinary.send(
          HttpRequest.newBuilder(uri.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void anRsaKeyInTheTraditionalForm_servesToo() throws Exception {
    Pem rsa = selfSigned("RSA", "rsa");
    try (TestServer server = TestServer.start(TestServer.config(dir).withTls(TlsFiles.of(rsa.cert(), rsa.key())),
        new DeviceDatabaseSyncs(dir))) {
      HttpResponse<String> health = HttpClient.newBuilder().sslContext(trusting(rsa.certificate())).build()
          .send(HttpRequest.newBuilder(server.uri().resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health::body);
    }
  }

  @Test
  void aKeyThatIsNotTheCertificates_isRefusedAtStart_namingBothFlags() throws Exception {
    Pem one = selfSigned("EC", "one");
    Pem other = selfSigned("EC", "other");
    ServerConfig config = TestServer.config(dir).withTls(TlsFiles.of(one.cert(), other.key()));

    TlsException e = assertThrows(TlsException.class, () -> TestServer.start(config, new DeviceDatabaseSyncs(dir)));

    assertEquals(TlsException.Reason.MISMATCH, e.reason());
    assertTrue(e.getMessage().contains("--tls-key") && e.getMessage().contains("--tls-cert"), e.getMessage());
    assertFalse(Files.exists(config.databaseFile()), "refused before any database is made");
    assertThrows(TlsException.class, () -> LatticeServer.startWithRelay(config));
    assertFalse(Files.exists(config.dataDir().resolve("relay.db")));
  }

  @Test
  void aMissingFileOrNotPem_isRefused_withWhatToGive() throws Exception {
    Pem ec = selfSigned("EC", "ec");
    Path notPem = Files.writeString(dir.resolve("notes.txt"), "hello\n");

    TlsException missing = assertThrows(TlsException.class, () -> TestServer.start(
        TestServer.config(dir).withTls(TlsFiles.of(dir.resolve("nope.pem"), ec.key())), new DeviceDatabaseSyncs(dir)));
    TlsException noKey = assertThrows(TlsException.class, () -> TestServer.start(
        TestServer.config(dir).withTls(TlsFiles.of(ec.cert(), notPem)), new DeviceDatabaseSyncs(dir)));
    TlsException keyAsCert = assertThrows(TlsException.class, () -> TestServer.start(
        TestServer.config(dir).withTls(TlsFiles.of(ec.key(), ec.key())), new DeviceDatabaseSyncs(dir)));

    assertEquals(TlsException.Reason.UNREADABLE, missing.reason());
    assertEquals(TlsException.Reason.NO_KEY, noKey.reason());
    assertEquals(TlsException.Reason.NO_CERTIFICATE, keyAsCert.reason());
  }

  @Test
  void aCertificateWithoutItsKey_orTheOtherWay_isAConfigurationError() {
    ConfigException noKey = assertThrows(ConfigException.class,
        () -> ServerConfig.from(List.of("--tls-cert", "cert.pem"), Map.of()));
    ConfigException noCert = assertThrows(ConfigException.class,
        () -> ServerConfig.from(List.of(), Map.of("LATTICE_TLS_KEY", "key.pem")));

    assertTrue(noKey.getMessage().contains("--tls-key <key.pem> (LATTICE_TLS_KEY)"), noKey.getMessage());
    assertTrue(noCert.getMessage().contains("--tls-cert <cert.pem> (LATTICE_TLS_CERT)"), noCert.getMessage());
  }

  private Pem selfSigned(String algorithm, String name) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(algorithm.equals("EC") ? 256 : 2048);
    KeyPair pair = generator.generateKeyPair();
    X500Name subject = new X500Name("CN=127.0.0.1");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject, pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
        new JcaContentSignerBuilder(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
            .build(pair.getPrivate())));
    Path cert = dir.resolve(name + "-cert.pem");
    Path key = dir.resolve(name + "-key.pem");
    write(cert, certificate);
    // EC in PKCS#8 (BEGIN PRIVATE KEY), RSA in the traditional form (BEGIN RSA PRIVATE KEY): both are common.
    write(key, algorithm.equals("EC") ? new JcaPKCS8Generator(pair.getPrivate(), null) : pair.getPrivate());
    return new Pem(certificate, cert, key);
  }

  private static void write(Path file, Object object) throws IOException {
    try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    }
  }

  private static SSLContext trusting(X509Certificate certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", certificate);
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
