package io.vigil.command.capture.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The one evaluator bean, from {@code vigil.captures.evaluation.*}. */
class EvaluatorConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(EvaluatorConfiguration.class);

    @Test
    void by_default_the_cpu_evaluator_with_the_documented_thresholds() {
        context.run(ctx -> {
            assertThat(ctx).hasSingleBean(Evaluator.class);
            assertThat(ctx.getBean(Evaluator.class)).isInstanceOf(CpuEvaluator.class);
            assertThat(((CpuEvaluator) ctx.getBean(Evaluator.class)).settings())
                    .isEqualTo(CpuEvaluator.Settings.DEFAULTS);
        });
    }

    @Test
    void an_operator_can_move_a_cpu_threshold() {
        context.withPropertyValues("vigil.captures.evaluation.cpu.blur-below=50",
                "vigil.captures.evaluation.cpu.max-regions=3").run(ctx -> {
                    CpuEvaluator.Settings settings = ((CpuEvaluator) ctx.getBean(Evaluator.class)).settings();
                    assertThat(settings.blurBelow()).isEqualTo(50.0);
                    assertThat(settings.maxRegions()).isEqualTo(3);
                    assertThat(settings.darkBelow()).isEqualTo(CpuEvaluator.Settings.DEFAULTS.darkBelow());
                });
    }

    @Test
    void http_uses_the_vision_service_with_its_timeouts_and_models() {
        context.withPropertyValues("vigil.captures.evaluation.evaluator=http",
                "vigil.captures.evaluation.http.url=http://vision.internal:8090/",
                "vigil.captures.evaluation.http.timeout=3s",
                "vigil.captures.evaluation.http.models=detection,pose").run(ctx -> {
                    assertThat(ctx.getBean(Evaluator.class)).isInstanceOf(HttpVisionEvaluator.class);
                    assertThat(((HttpVisionEvaluator) ctx.getBean(Evaluator.class)).endpoint())
                            .hasToString("http://vision.internal:8090/vision/process");
                    EvaluationProperties properties = ctx.getBean(EvaluationProperties.class);
                    assertThat(properties.http().timeout()).hasSeconds(3);
                    assertThat(properties.http().connectTimeout()).hasSeconds(2);
                    assertThat(properties.http().models()).containsExactly("detection", "pose");
                });
    }

    @Test
    void http_without_a_url_does_not_start() {
        context.withPropertyValues("vigil.captures.evaluation.evaluator=http").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause()
                    .hasMessageContaining("vigil.captures.evaluation.http.url is required");
        });
    }
}
