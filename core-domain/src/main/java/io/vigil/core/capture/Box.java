package io.vigil.core.capture;

import io.vigil.core.DomainException;

/**
 * A rectangle in the ORIGINAL image's pixel coordinates (origin top left), whatever size the evaluator worked
 * at, so that a viewer can draw it over the stored image without knowing how it was analysed.
 */
public record Box(int x, int y, int w, int h) {
    public Box {
        if (x < 0 || y < 0 || w < 0 || h < 0) {
            throw DomainException.invalid("invalid_box", "a box has no negative coordinate or size, was "
                    + x + "," + y + " " + w + "x" + h);
        }
    }

    /** The smallest box holding both, for merging regions. */
    public Box union(Box other) {
        int left = Math.min(x, other.x);
        int top = Math.min(y, other.y);
        int right = Math.max(x + w, other.x + other.w);
        int bottom = Math.max(y + h, other.y + other.h);
        return new Box(left, top, right - left, bottom - top);
    }
}
