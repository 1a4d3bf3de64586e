package io.vigil.core;

/** Why a command was refused, in terms a caller can act on. The HTTP layer maps each to one status. */
public enum Rejection {
    INVALID,
    /** The caller did not prove who it is (a device without a valid key). */
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    CONFLICT,
    UNAVAILABLE
}
