import ArgumentParser
import Foundation
import Tally
import TallyDriver
import TallyPostgres

/// `tally`: evaluate KPI formulas over data files.
@main
struct TallyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tally",
    abstract: "Evaluate KPI formulas over CSV, TSV and JSON Lines files.",
    discussion: "Without a subcommand, `tally ARGS` is `tally repl ARGS`.",
    version: "0.1.0",
    subcommands: [EvalCommand.self, CheckCommand.self, TestCommand.self, SQLCommand.self, ReplCommand.self]
  )

  static func main() {
    DatabaseServers.shared.connector = PostgresConnector()
    let arguments = CommandLineArguments.withSubcommand(
      Array(CommandLine.arguments.dropFirst()), subcommands: configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
    )
    // The REPL's line editor belongs on the main thread.
    if arguments.first == "repl" { return run(arguments) }
    LargeStack.run { run(arguments) }
  }

  /// Parses and runs a command; every error ends in its exit status (`ExitStatus`).
  private static func run(_ given: [String]) {
    let arguments = CommandLineArguments.protectingValues(given)
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
    } catch let e as TallyError {
      Terminal.report(e)
      Foundation.exit(ExitStatus.error.rawValue)
    } catch let e as ExitCode {
      Foundation.exit(e.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(ExitStatus.error.rawValue)
    }
  }
}

/// Writing to the terminal: diagnostics on stderr, colour only on a TTY.
enum Terminal {
  static var stderrIsTTY: Bool { isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }
  static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

  /// The terminal's width in columns when stdout is a terminal, which tables' long cells
  /// are cut to; nil when the output goes to a file or a pipe.
  static var columns: Int? {
    guard isatty(STDOUT_FILENO) != 0 else { return nil }
    var w = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
    return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init)
  }

  static func report(_ e: TallyError) {
    let text = e.diagnostics.map { $0.rendered(color: stderrIsTTY) }.joined()
    FileHandle.standardError.write(Data(text.utf8))
  }

  static func error(_ message: String) {
    FileHandle.standardError.write(Data("tally: error: \(message)\n".utf8))
  }
}
