package dev.lattice.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The server does not reach into the driver's internals: it sees sealed envelopes and the driver's public API. */
@AnalyzeClasses(packages = "dev.lattice.server", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule reachesNoDriverInternals = noClasses()
      .that().resideInAPackage("dev.lattice.server..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.lattice.driver.capture..", "dev.lattice.driver.jdbc..",
          "dev.lattice.cli..");
}
