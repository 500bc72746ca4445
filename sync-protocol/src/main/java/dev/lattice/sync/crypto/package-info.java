/**
 * End-to-end encryption of a space: keys derived from a passphrase ({@link dev.lattice.sync.crypto.SpaceKey},
 * {@link dev.lattice.sync.crypto.KdfParams}), change payloads sealed with XChaCha20-Poly1305 under their metadata as
 * associated data, keyed cell ids and a key check that catches a wrong passphrase before anything is applied.
 *
 * <p>Every primitive is Bouncy Castle's (Argon2id, HKDF-SHA-256, XChaCha20-Poly1305, HMAC-SHA-256); this package only
 * wires them together and fixes the formats. Keys never leave the device.
 */
package dev.lattice.sync.crypto;
