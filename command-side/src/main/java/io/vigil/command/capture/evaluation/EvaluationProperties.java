package io.vigil.command.capture.evaluation;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which evaluator looks at captures, and how ({@code vigil.captures.evaluation.*}). The CPU evaluator is the
 * default because it needs nothing else to run; a site with a vision service switches to {@code http}.
 *
 * @param evaluator {@code cpu} or {@code http}
 * @param http      the vision service, used when {@code evaluator=http}
 * @param cpu       the CPU evaluator's thresholds, for a camera whose pictures the defaults misjudge (the
 *                  measures of each evaluation show where its frames fall)
 */
@ConfigurationProperties("vigil.captures.evaluation")
public record EvaluationProperties(@DefaultValue("cpu") Kind evaluator,
                                   @DefaultValue Http http,
                                   @DefaultValue Cpu cpu) {

    public enum Kind { CPU, HTTP }

    public EvaluationProperties {
        if (evaluator == Kind.HTTP && http.url() == null) {
            throw new IllegalArgumentException(
                    "vigil.captures.evaluation.http.url is required when vigil.captures.evaluation.evaluator=http");
        }
    }

    /**
     * @param url            the service's root, e.g. {@code http://vision:8090}; {@code /vision/process} is appended
     * @param connectTimeout how long to wait for a connection before the service counts as unavailable
     * @param timeout        the longest one frame may take, connect to last byte (the service's target is 200 ms per
     *                       frame on a CPU; 10 s leaves room for a queue on its side)
     * @param models         sent as {@code enabledModels}; empty leaves the choice to the service
     */
    public record Http(URI url,
                       @DefaultValue("2s") Duration connectTimeout,
                       @DefaultValue("10s") Duration timeout,
                       @DefaultValue List<String> models) {
        public Http {
            models = models == null ? List.of() : List.copyOf(models);
            if (connectTimeout.isNegative() || connectTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("vigil.captures.evaluation.http timeouts must be positive");
            }
            if (url != null && !"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("vigil.captures.evaluation.http.url must be http(s), was " + url);
            }
        }
    }

    /** See {@link CpuEvaluator.Settings} for what each threshold means and why its default is what it is. */
    public record Cpu(@DefaultValue("320") int maxWidth,
                      @DefaultValue("40") double darkBelow,
                      @DefaultValue("215") double brightAbove,
                      @DefaultValue("100") double blurBelow,
                      @DefaultValue("25") int motionPixel,
                      @DefaultValue("0.15") double motionCell,
                      @DefaultValue("0.6") double sceneChange,
                      @DefaultValue("10") int maxRegions) {

        public CpuEvaluator.Settings settings() {
            return new CpuEvaluator.Settings(maxWidth, darkBelow, brightAbove, blurBelow, motionPixel, motionCell,
                    sceneChange, maxRegions);
        }
    }
}
