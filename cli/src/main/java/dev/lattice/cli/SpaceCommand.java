package dev.lattice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lattice space}: what an operator does with spaces on a reference server. */
@Command(name = "space", mixinStandardHelpOptions = true, subcommands = SpaceCreateCommand.class,
    description = "Spaces on a reference server (as its operator, with LATTICE_ADMIN_TOKEN).")
final class SpaceCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say what to do with spaces: lattice space create");
  }
}
