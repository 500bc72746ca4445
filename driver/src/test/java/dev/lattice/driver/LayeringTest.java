package dev.lattice.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The driver knows no network: it captures, merges and reads, and whatever moves changes between devices (the sync
 * protocol, the server) builds on it, never the other way round.
 */
@AnalyzeClasses(packages = "dev.lattice.driver", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule knowsNoNetwork = noClasses()
      .that().resideInAPackage("dev.lattice.driver..")
      .should().dependOnClassesThat().resideInAnyPackage("java.net.http..", "javax.net..", "io.javalin..",
          "org.eclipse.jetty..", "dev.lattice.sync..", "dev.lattice.server..", "dev.lattice.cli..")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.Socket")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.URLConnection")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.HttpURLConnection");

}
