package dev.lattice.merkle;

/**
 * One item of a tree: a cell, the hash of its current version, and what the tree's owner attached to find the cell
 * again (a row reference in the driver, a storage key on a server).
 */
public record Item<T>(CellId cell, Digest hash, T tag) {}
