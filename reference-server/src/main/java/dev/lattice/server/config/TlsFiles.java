package dev.lattice.server.config;

import java.nio.file.Path;

/**
 * The PEM files the server serves HTTPS with, directly, when no TLS proxy stands in front of it: both, or (no TLS)
 * neither. While flags are read one may be set before the other; {@link ConfigFlags} refuses a configuration left with
 * one alone.
 *
 * @param certificate the certificate chain, the server's own certificate first ({@code --tls-cert})
 * @param privateKey its private key, unencrypted, PKCS#8 or the traditional RSA/EC form ({@code --tls-key})
 */
public record TlsFiles(Path certificate, Path privateKey) {
  static final TlsFiles NONE = new TlsFiles(null, null);

  /** Both files, for a server started from code. */
  public static TlsFiles of(Path certificate, Path privateKey) {
    TlsFiles files = new TlsFiles(certificate, privateKey);
    String missing = files.missing();
    if (missing != null) {
      throw new IllegalArgumentException(missing);
    }
    return files;
  }

  /** Whether the server serves HTTPS. */
  public boolean enabled() {
    return certificate != null && privateKey != null;
  }

  TlsFiles withCertificate(Path certificate) {
    return new TlsFiles(certificate, privateKey);
  }

  TlsFiles withPrivateKey(Path privateKey) {
    return new TlsFiles(certificate, privateKey);
  }

  /** What is wrong with a half-given pair, or null when there are both or neither. */
  String missing() {
    if (certificate != null && privateKey == null) {
      return "--tls-cert needs its private key too: --tls-key <key.pem> (LATTICE_TLS_KEY)";
    }
    if (certificate == null && privateKey != null) {
      return "--tls-key needs its certificate too: --tls-cert <cert.pem> (LATTICE_TLS_CERT)";
    }
    return null;
  }
}
