package dev.lattice.server.http;

import dev.lattice.server.config.TlsFiles;
import dev.lattice.server.http.TlsException.Reason;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The operator's PEM certificate chain and private key, as the in-memory key store Jetty serves TLS from. Bouncy
 * Castle reads the PEM (certificates; keys in PKCS#8 or the traditional RSA and EC forms); the key is proven to be the
 * certificate's by signing with it, so a mismatched pair is refused at start rather than at every client's handshake.
 */
final class PemKeyStore {
  /** The key store's password: it lives in memory only, so it protects nothing and needs to be no secret. */
  static final char[] PASSWORD = "lattice".toCharArray();

  private PemKeyStore() {}

  static KeyStore load(TlsFiles files) throws TlsException {
    List<X509Certificate> chain = certificates(files.certificate());
    PrivateKey key = privateKey(files.privateKey());
    requirePair(chain.get(0), key, files);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("lattice", key, PASSWORD, chain.toArray(X509Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsException(Reason.MISMATCH, "--tls-cert " + files.certificate() + " and --tls-key "
          + files.privateKey() + " cannot be served together: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(Path file) throws TlsException {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser pem = parser(file, "--tls-cert")) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (TlsException e) {
      throw e;
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsException(Reason.NO_CERTIFICATE, "--tls-cert " + file + " is not a PEM certificate (" + e.getMessage()
          + "); give the certificate chain, -----BEGIN CERTIFICATE----- first", e);
    }
    if (chain.isEmpty()) {
      throw new TlsException(Reason.NO_CERTIFICATE, "--tls-cert " + file + " holds no PEM certificate; give the"
          + " certificate chain, -----BEGIN CERTIFICATE----- first", null);
    }
    return chain;
  }

  private static PrivateKey privateKey(Path file) throws TlsException {
    try (PEMParser pem = parser(file, "--tls-key")) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          return jdkKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return jdkKey(info);
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new TlsException(Reason.ENCRYPTED_KEY, "--tls-key " + file + " is encrypted; the server cannot ask"
              + " for its passphrase: decrypt it (openssl pkey -in key.pem -out plain.pem) and protect the file", null);
        }
      }
    } catch (TlsException e) {
      throw e;
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsException(Reason.NO_KEY, "--tls-key " + file + " is not a PEM private key (" + e.getMessage()
          + ")", e);
    }
    throw new TlsException(Reason.NO_KEY, "--tls-key " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----"
        + " or -----BEGIN RSA/EC PRIVATE KEY-----)", null);
  }

  /**
   * The key as the JDK's own provider holds it, for Jetty's TLS. Bouncy Castle's provider (an instance, not
   * registered) converts it first: a traditional EC key names its curve inside the key, where the JDK does not look.
   */
  private static PrivateKey jdkKey(PrivateKeyInfo info) throws IOException, GeneralSecurityException {
    PrivateKey key = new JcaPEMKeyConverter().setProvider(new BouncyCastleProvider()).getPrivateKey(info);
    String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm(); // Bouncy Castle's name for EC
    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
  }

  private static PEMParser parser(Path file, String flag) throws TlsException {
    try {
      Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
      return new PEMParser(reader);
    } catch (IOException e) {
      throw new TlsException(Reason.UNREADABLE, flag + " " + file + " cannot be read: " + e, e);
    }
  }

  /** Signs a random challenge with the key and checks it with the certificate's public key. */
  private static void requirePair(X509Certificate certificate, PrivateKey key, TlsFiles files) throws TlsException {
    PublicKey publicKey = certificate.getPublicKey();
    String mismatch = "--tls-key " + files.privateKey() + " is not the key of --tls-cert " + files.certificate()
        + "'s first certificate; give the key the certificate was issued for";
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
      throw new TlsException(Reason.MISMATCH, mismatch, null);
    }
    try {
      String algorithm = switch (key.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> key.getAlgorithm(); // Ed25519, Ed448: the algorithm is its own signature
      };
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      if (!verifier.verify(signature)) {
        throw new TlsException(Reason.MISMATCH, mismatch, null);
      }
    } catch (GeneralSecurityException e) {
      throw new TlsException(Reason.MISMATCH, mismatch + " (" + e.getMessage() + ")", e);
    }
  }
}
