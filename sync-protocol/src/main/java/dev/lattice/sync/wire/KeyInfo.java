package dev.lattice.sync.wire;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How a space derives its keys (Argon2id parameters, not secret) and a key check sealed under the sender's key, so
 * that a peer with another passphrase finds out before anything is applied. Absent when encryption is off.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"salt", "memoryKiB", "iterations", "parallelism", "check"})
public record KeyInfo(byte[] salt, int memoryKiB, int iterations, int parallelism, byte[] check) {
  public KeyInfo {
    Check.present(salt, "key salt");
    Check.present(check, "key check");
  }
}
