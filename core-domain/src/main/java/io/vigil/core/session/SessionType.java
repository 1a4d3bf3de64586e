package io.vigil.core.session;

/** Ephemeral sessions are thrown away at the end; persistent ones are meant to be kept (issue: persistence). */
public enum SessionType { EPHEMERAL, PERSISTENT }
