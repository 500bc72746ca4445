package dev.lattice.sync.serving;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Serving the protocol builds on the protocol's public API and on Javalin: it knows no relay (the reference server
 * depends on this module, not the other way round), no command line, and no driver internals.
 */
@AnalyzeClasses(packages = "dev.lattice.sync.serving", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule knowsNoRelayAndNoDriverInternals = noClasses()
      .that().resideInAPackage("dev.lattice.sync.serving..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.lattice.server..", "dev.lattice.cli..",
          "dev.lattice.driver.capture..", "dev.lattice.driver.jdbc..");
}
