package io.vigil.core;

/** Why a command was refused, in terms a caller can act on. The HTTP layer maps each to one status. */
public enum Rejection {
    INVALID,
    /** The caller did not prove who it is (a device without a valid key). */
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    CONFLICT,
    /** What was asked for existed and is gone for good (an image past its retention). */
    GONE,
    /** A byte range outside what was asked for. */
    RANGE_NOT_SATISFIABLE,
    /** The request carries more than is accepted (an image over the size limit). */
    TOO_LARGE,
    /** The caller made too many requests; {@link DomainException#retryAfter()} says when to try again. */
    RATE_LIMITED,
    UNAVAILABLE
}
