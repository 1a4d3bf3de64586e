package io.vigil.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.platform.security.Role;
import io.vigil.testapp.PlatformWebTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A client (a browser, the gateway) that reuses its connection gets an answer to every request, also after
 * refusals the server decides without waiting for anything (see {@link KeepAliveHangWorkaround}).
 */
class KeepAliveTest extends PlatformWebTest {

    @Test
    void a_reused_connection_answers_every_request_after_quick_refusals() throws IOException {
        String[] authorizations = {null, "Bearer", "Bearer ", "Bearer " + token("root", Role.ADMIN)};
        List<String> unanswered = new ArrayList<>();
        for (int connection = 0; connection < 150; connection++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(2_000);
                for (String authorization : authorizations) {
                    String request = "GET /api/v1/probe/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
                    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    try {
                        int status = readResponse(socket.getInputStream());
                        assertThat(status).isEqualTo(authorization == authorizations[3] ? 200 : 401);
                    } catch (SocketTimeoutException e) {
                        unanswered.add("connection " + connection + ", after " + authorization);
                        break;
                    }
                }
            }
        }
        assertThat(unanswered).isEmpty();
    }

    /** Reads one response with a Content-Length body (what these answers have); returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.append((char) c);
        }
        String text = head.toString().toLowerCase(Locale.ROOT);
        int at = text.indexOf("content-length:");
        assertThat(at).as("a Content-Length in %s", text).isPositive();
        in.readNBytes(Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).trim()));
        return Integer.parseInt(text.substring(9, 12));
    }
}
