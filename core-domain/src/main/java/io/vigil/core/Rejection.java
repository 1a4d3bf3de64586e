package io.vigil.core;

/** Why a command was refused, in terms a caller can act on. The HTTP layer maps each to one status. */
public enum Rejection {
    INVALID,
    FORBIDDEN,
    NOT_FOUND,
    CONFLICT,
    UNAVAILABLE
}
