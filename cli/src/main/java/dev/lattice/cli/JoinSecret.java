package dev.lattice.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * An invite or pairing code as the commands print and take it: {@code <space>.<secret>}. The server knows invites and
 * codes per space, so the space travels with the secret; the user types one thing, not two. Space ids are base64url,
 * which has no dot.
 *
 * @param space the space's id
 * @param secret the invite token, or the pairing code
 */
record JoinSecret(String space, String secret) {
  /** Which secret: the space's one-time invite (first device) or a pairing code (later devices). */
  enum Kind {
    INVITE("invite"),
    CODE("code");

    final String option;

    Kind(String option) {
      this.option = option;
    }
  }

  /** Parses what the user typed, refusing with what to give instead. */
  static JoinSecret parse(String typed, Kind kind) {
    String text = typed.strip();
    int dot = text.indexOf('.');
    String space = dot < 0 ? "" : text.substring(0, dot);
    String secret = dot < 0 ? "" : text.substring(dot + 1);
    if (!space.matches("[A-Za-z0-9_-]{1,64}") || secret.isEmpty() || secret.length() > 200) {
      throw new CommandFailure("the " + kind.option + " is not one lattice " + (kind == Kind.INVITE
          ? "space create" : "pair") + " prints (<space>.<" + (kind == Kind.INVITE ? "invite" : "code")
          + ">): copy it whole");
    }
    return new JoinSecret(space, secret);
  }

  /** As the commands print it and {@code lattice join} takes it. */
  String text() {
    return space + "." + secret;
  }

  /**
   * What a QR code carries: the server, the space and the secret, as a link a phone's camera shows whole, e.g.
   * {@code lattice://join?server=http%3A%2F%2Fhost%3A7420&invite=<space>.<secret>}.
   */
  String link(URI server, Kind kind) {
    return "lattice://join?server=" + URLEncoder.encode(server.toString(), StandardCharsets.UTF_8) + "&"
        + kind.option + "=" + URLEncoder.encode(text(), StandardCharsets.UTF_8);
  }

  /** Never the secret: a record's default text would print it. */
  @Override
  public String toString() {
    return "JoinSecret[space=" + space + "]";
  }
}
