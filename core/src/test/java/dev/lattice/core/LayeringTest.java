package dev.lattice.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core is rules over values: no SQL, no network, no files, and nothing of the modules built on it. */
@AnalyzeClasses(packages = "dev.lattice.core", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule knowsNoStorageAndNoNetwork = noClasses().that().resideInAPackage("dev.lattice.core..")
      .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "java.net..", "java.nio.file..",
          "java.io..", "java.nio.channels..");

  @ArchTest
  static final ArchRule knowsNothingBuiltOnIt = noClasses().that().resideInAPackage("dev.lattice.core..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.lattice.driver..", "dev.lattice.sync..",
          "dev.lattice.server..", "dev.lattice.cli..");
}
