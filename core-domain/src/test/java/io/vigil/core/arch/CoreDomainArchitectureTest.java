package io.vigil.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The domain decides and records; talking to the world belongs to the services around it. */
@AnalyzeClasses(packages = "io.vigil.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreDomainArchitectureTest {

    @ArchTest
    static final ArchRule core_domain_uses_no_spring_http_sql_or_mqtt = noClasses()
            .that().resideInAPackage("io.vigil.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.springframework..", "java.net.http..", "java.sql..", "javax.sql..", "jakarta.servlet..",
                    "reactor.netty..", "io.netty..", "org.eclipse.paho..", "com.hivemq..", "org.postgresql..",
                    "io.r2dbc..", "io.lettuce..", "tools.jackson..", "com.fasterxml.jackson..");

    @ArchTest
    static final ArchRule core_domain_does_not_reach_into_the_services = noClasses()
            .that().resideInAPackage("io.vigil.core..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vigil.command..", "io.vigil.query..", "io.vigil.platform..");
}
