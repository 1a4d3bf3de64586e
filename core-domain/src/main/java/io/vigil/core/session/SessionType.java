package io.vigil.core.session;

/**
 * Ephemeral sessions are thrown away at the end; a persistent session's VM is kept for its owner (stopped, renamed
 * {@code vigil-keep-<user>-<n>}) and can be started again with {@code from_vm}.
 */
public enum SessionType { EPHEMERAL, PERSISTENT }
