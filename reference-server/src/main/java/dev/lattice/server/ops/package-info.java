/**
 * What operators see: {@link dev.lattice.server.ops.Health}, {@link dev.lattice.server.ops.Metrics} (Prometheus),
 * {@link dev.lattice.server.ops.RequestLog} and {@link dev.lattice.server.ops.JsonLogLine} (one JSON object a log
 * line, never a payload or a secret).
 */
package dev.lattice.server.ops;
