package io.vigil.core.capture;

/**
 * Something about captures an admin must act on: the evaluator falling behind, the blob store's disk running out.
 * Not an aggregate's event (it is published on its own), so an auditor finds it by type and time.
 *
 * @param subject what it is about: {@code evaluation-backlog}, {@code blob-store}
 */
public record CaptureAlertRaised(String subject, String message) {
}
