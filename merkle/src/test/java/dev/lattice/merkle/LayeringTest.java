package dev.lattice.merkle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The reconciliation tree is pure computation: it knows no SQL, no network and no other Lattice module. */
@AnalyzeClasses(packages = "dev.lattice.merkle", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule knowsNoSqlNoNetworkAndNoOtherModule = noClasses()
      .that().resideInAPackage("dev.lattice.merkle..")
      .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.sqlite..", "java.net..",
          "dev.lattice.core..", "dev.lattice.driver..", "dev.lattice.sync..", "dev.lattice.server..",
          "dev.lattice.cli..");
}
