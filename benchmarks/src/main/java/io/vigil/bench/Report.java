package io.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Markdown, printed as it is produced and written to one file at the end. */
final class Report {
    private final StringBuilder text = new StringBuilder();
    private final List<String> verdicts = new ArrayList<>();

    void heading(String title) {
        line("");
        line("## " + title);
        line("");
    }

    void line(String s) {
        text.append(s).append('\n');
        System.out.println(s);
        System.out.flush();
    }

    void table(List<String> header, List<List<String>> rows) {
        line("| " + String.join(" | ", header) + " |");
        line("|" + "---|".repeat(header.size()));
        for (List<String> row : rows) {
            line("| " + String.join(" | ", row) + " |");
        }
        line("");
    }

    /** A PASS/FAIL (or target met/missed) line, repeated in the summary at the end. */
    void verdict(String what, boolean ok, String detail) {
        String s = (ok ? "PASS" : "FAIL") + " — " + what + (detail == null || detail.isBlank() ? "" : ": " + detail);
        verdicts.add(s);
        line("- **" + (ok ? "PASS" : "FAIL") + "** " + what + (detail == null || detail.isBlank() ? "" : " — " + detail));
    }

    void summary() {
        heading("Summary");
        for (String v : verdicts) {
            line("- " + v);
        }
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text.toString());
        System.out.println();
        System.out.println("Results written to " + file.toAbsolutePath());
    }
}
