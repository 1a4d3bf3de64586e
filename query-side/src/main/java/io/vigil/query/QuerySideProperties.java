package io.vigil.query;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the query side ({@code vigil.query.*}).
 *
 * @param sseKeepalive          how often an idle event stream sends a comment line, so proxies keep it open
 * @param listenerReconnectMin  first wait before re-opening the {@code LISTEN} connection after it dropped
 * @param listenerReconnectMax  longest wait between two attempts; the wait doubles up to this
 * @param defaultLimit          rows a list returns when the caller gives no {@code limit}
 * @param maxLimit              the largest {@code limit} a caller may ask for
 */
@ConfigurationProperties("vigil.query")
public record QuerySideProperties(
        @DefaultValue("30s") Duration sseKeepalive,
        @DefaultValue("500ms") Duration listenerReconnectMin,
        @DefaultValue("30s") Duration listenerReconnectMax,
        @DefaultValue("100") int defaultLimit,
        @DefaultValue("1000") int maxLimit) {

    public QuerySideProperties {
        if (sseKeepalive.isZero() || sseKeepalive.isNegative()) {
            throw new IllegalArgumentException("vigil.query.sse-keepalive must be positive");
        }
        if (defaultLimit < 1 || maxLimit < defaultLimit) {
            throw new IllegalArgumentException("vigil.query needs 1 <= default-limit <= max-limit");
        }
    }
}
