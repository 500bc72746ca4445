package dev.lattice.sync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * What a device carries: the protocol, its codec, encryption and the client know no server framework, no serving side
 * and no relay, and reach the driver through its public API. Serving is lattice-sync-server's; the pom's enforcer
 * rule keeps the frameworks off the classpath, this keeps them out of the code.
 */
@AnalyzeClasses(packages = "dev.lattice.sync", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule knowsNoServerFramework = noClasses()
      .that().resideInAPackage("dev.lattice.sync..")
      .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "kotlin..");

  @ArchTest
  static final ArchRule knowsNoServingSide = noClasses()
      .that().resideInAPackage("dev.lattice.sync..")
      .should().dependOnClassesThat().resideInAPackage("dev.lattice.sync.serving..");

  @ArchTest
  static final ArchRule knowsNoRelayAndNoDriverInternals = noClasses()
      .that().resideInAPackage("dev.lattice.sync..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.lattice.server..", "dev.lattice.cli..",
          "dev.lattice.driver.capture..", "dev.lattice.driver.jdbc..");
}
