package io.vigil.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The two services meet only in the event store (and what platform gives both); neither reaches into the other. */
@AnalyzeClasses(packages = "io.vigil", importOptions = ImportOption.DoNotIncludeTests.class)
class ServiceBoundariesTest {

    @ArchTest
    static final ArchRule command_side_does_not_depend_on_query_side = noClasses()
            .that().resideInAPackage("io.vigil.command..")
            .should().dependOnClassesThat().resideInAPackage("io.vigil.query..");

    @ArchTest
    static final ArchRule query_side_does_not_depend_on_command_side = noClasses()
            .that().resideInAPackage("io.vigil.query..")
            .should().dependOnClassesThat().resideInAPackage("io.vigil.command..");

    @ArchTest
    static final ArchRule platform_serves_both_and_depends_on_neither = noClasses()
            .that().resideInAPackage("io.vigil.platform..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vigil.command..", "io.vigil.query..", "io.vigil.launcher..");

    @ArchTest
    static final ArchRule production_code_never_uses_the_simulators = noClasses()
            .that().resideInAnyPackage("io.vigil.command..", "io.vigil.query..", "io.vigil.platform..", "io.vigil.core..")
            .should().dependOnClassesThat().resideInAPackage("io.vigil.simulators..");
}
