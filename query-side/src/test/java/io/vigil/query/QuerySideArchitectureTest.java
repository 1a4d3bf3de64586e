package io.vigil.query;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.axonframework.config.ProcessingGroup;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;

/** Rules the design depends on but no single test would notice being broken. */
class QuerySideArchitectureTest {
    private static final JavaClasses QUERY_SIDE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vigil.query");

    @Test
    void http_handlers_never_touch_blocking_jdbc() {
        noClasses().that().areAnnotatedWith(RestController.class)
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..")
                .because("controllers run on the event loop; reads go through R2DBC")
                .check(QUERY_SIDE);
    }

    @Test
    void only_projections_write_with_jdbc() {
        noClasses().that().areNotAnnotatedWith(ProcessingGroup.class)
                .should().dependOnClassesThat().resideInAPackage("org.springframework.jdbc..")
                .because("JDBC belongs in the processor's transaction, next to its token")
                .check(QUERY_SIDE);
    }

    @Test
    void the_query_side_shares_only_the_domain_api_and_the_platform_with_the_command_side() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.vigil.command..")
                .because("the two sides meet only in the event store")
                .check(QUERY_SIDE);
    }
}
