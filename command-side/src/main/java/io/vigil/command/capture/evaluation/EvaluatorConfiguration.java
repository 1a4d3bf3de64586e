package io.vigil.command.capture.evaluation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes the one {@link Evaluator} the evaluation worker uses, chosen by {@code vigil.captures.evaluation.evaluator}.
 * Exactly one, not one per kind: the choice is the operator's, and a worker holding both could not know which
 * answer to trust.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EvaluationProperties.class)
public class EvaluatorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EvaluatorConfiguration.class);

    @Bean
    Evaluator evaluator(EvaluationProperties properties) {
        if (properties.evaluator() == EvaluationProperties.Kind.HTTP) {
            EvaluationProperties.Http http = properties.http();
            HttpVisionEvaluator evaluator = new HttpVisionEvaluator(http.url(), http.connectTimeout(), http.timeout(),
                    http.models());
            log.info("Captures are evaluated by the vision service at {} (timeout {}, models {})",
                    evaluator.endpoint(), http.timeout(), http.models().isEmpty() ? "the service's" : http.models());
            return evaluator;
        }
        CpuEvaluator evaluator = new CpuEvaluator(properties.cpu().settings());
        log.info("Captures are evaluated on the CPU ({})", evaluator.settings());
        return evaluator;
    }
}
