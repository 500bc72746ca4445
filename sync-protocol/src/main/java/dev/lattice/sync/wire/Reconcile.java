package dev.lattice.sync.wire;

/**
 * One step of a tree reconciliation, asker to responder; answered by {@link Reconciled}. The rows the asker finds the
 * responder lacking travel separately, as pushed {@link Changes}, before the step that follows their discovery.
 *
 * @param session the session's id, chosen by the asker (16 random bytes); the responder keeps the session's state
 * @param message the asker's next reconciliation message ({@code dev.lattice.merkle.Reconciliation}), or null to
 *     collect more of the rows the responder has found for the asker ({@link Reconciled#more()})
 */
public record Reconcile(byte[] session, byte[] message) implements Message {
  public Reconcile {
    Check.bytes(session, 16, "session");
  }
}
