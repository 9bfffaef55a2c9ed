import ArgumentParser
import Foundation
import Tally
import TallyDriver

/// `tally`: evaluate KPI formulas over data files.
@main
struct TallyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tally",
    abstract: "Evaluate KPI formulas over CSV, TSV and JSON Lines files.",
    discussion: "Without a subcommand, `tally ARGS` is `tally repl ARGS`.",
    version: "0.1.0",
    subcommands: [EvalCommand.self, CheckCommand.self, TestCommand.self, ReplCommand.self]
  )

  static func main() {
    // The REPL's line editor belongs on the main thread.
    if replArguments(Array(CommandLine.arguments.dropFirst())).first == "repl" { return run() }
    // Deep (but accepted) formulas recurse; give them a large stack rather than the main thread's.
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      run()
      done.signal()
    }
    thread.stackSize = 256 << 20
    thread.start()
    done.wait()
  }

  /// The arguments, with `repl` put first when they name no subcommand: `tally`,
  /// `tally data.csv`, `tally --tz Asia/Shanghai` start the REPL. `--help`, `--version`
  /// and a word that looks like a misspelt subcommand (`tally evl`) are left to the parser.
  static func replArguments(_ arguments: [String]) -> [String] {
    let subcommands = configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
    let rootOptions = ["-h", "--help", "--version", "--generate-completion-script", "--experimental-dump-help"]
    guard let first = arguments.first else { return ["repl"] }
    if subcommands.contains(first) || rootOptions.contains(where: { first == $0 || first.hasPrefix($0 + "=") }) { return arguments }
    let looksLikeWord = !first.hasPrefix("-") && !first.contains { "/.=".contains($0) }
    if looksLikeWord, !FileManager.default.fileExists(atPath: first), subcommands.contains(where: { editDistance($0, first) <= 2 }) {
      return arguments
    }
    return ["repl"] + arguments
  }

  private static func run() {
    var arguments = replArguments(Array(CommandLine.arguments.dropFirst()))
    // A negative UTC offset (`--tz -05:00`) is a value, not an option.
    var j = 0
    while j + 1 < arguments.count {
      if ["--tz", "--as-of"].contains(arguments[j]), let c = arguments[j + 1].dropFirst().first, arguments[j + 1].hasPrefix("-"), c.isNumber
      {
        arguments[j...j + 1] = [arguments[j] + "=" + arguments[j + 1]]
      }
      j += 1
    }
    // A formula that starts with '-' (`tally eval '-1 + 2'`) is not an option: a leading
    // space keeps the parser from reading it as one; EvalCommand drops that space again.
    if let i = arguments.firstIndex(where: { $0 == "eval" }) {
      var k = i + 1
      while k < arguments.count {
        let a = arguments[k]
        if ["--data", "--file", "--as-of", "--tz", "--format"].contains(a) {
          k += 2
          continue
        }
        if a.hasPrefix("-"), !a.hasPrefix("--"), a != "-h", a.count > 1 { arguments[k] = " " + a }
        k += 1
      }
    }
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

  static func report(_ e: TallyError) {
    let text = e.diagnostics.map { $0.rendered(color: stderrIsTTY) }.joined()
    FileHandle.standardError.write(Data(text.utf8))
  }

  static func error(_ message: String) {
    FileHandle.standardError.write(Data("tally: error: \(message)\n".utf8))
  }
}
