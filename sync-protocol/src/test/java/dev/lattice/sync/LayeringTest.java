package dev.lattice.sync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * What a device carries: the protocol, its codec, encryption and the client know no server framework and no relay,
 * and reach the driver through its public API. Serving a database to peers ({@code PeerHost} and the transport classes
 * it runs on) is the one part that needs a web server; it is named here so that nothing else grows a dependency on one.
 */
@AnalyzeClasses(packages = "dev.lattice.sync", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  /** Class names (regular expression) of the serving side, which may use Javalin and Jetty. */
  private static final String SERVING = "dev\\.lattice\\.sync\\.(PeerHost|transport\\.(PeerServer|SyncEndpoint"
      + "|LiveEndpoint|ServerLiveChannel|GracefulStop|UnreadBodies|Pinger))(\\$.*)?";

  @ArchTest
  static final ArchRule onlyTheServingSideKnowsAServerFramework = noClasses()
      .that().resideInAPackage("dev.lattice.sync..").and().haveNameNotMatching(SERVING)
      .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "kotlin..");

  @ArchTest
  static final ArchRule theClientDoesNotNeedTheServingSide = noClasses()
      .that().resideInAPackage("dev.lattice.sync..").and().haveNameNotMatching(SERVING)
      .should().dependOnClassesThat().haveNameMatching(SERVING);

  @ArchTest
  static final ArchRule knowsNoRelayAndNoDriverInternals = noClasses()
      .that().resideInAPackage("dev.lattice.sync..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.lattice.server..", "dev.lattice.cli..",
          "dev.lattice.driver.capture..", "dev.lattice.driver.jdbc..");
}
