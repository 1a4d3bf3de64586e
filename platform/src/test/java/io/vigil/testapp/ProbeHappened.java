package io.vigil.testapp;

/** A test event; a handler refuses it when {@code poison} is set. */
public record ProbeHappened(String name, boolean poison) {
}
