import Foundation
import Tally

/// The command line as `tally` reads it, before an argument parser sees it.
public enum CommandLineArguments {
  /// The arguments, with `repl` put first when they name no subcommand (`tally`,
  /// `tally data.csv`, `tally --tz Asia/Shanghai` start the REPL); `--help`, `--version`
  /// and a word that looks like a misspelt subcommand (`tally evl`) are left to the parser.
  public static func withSubcommand(_ arguments: [String], subcommands: [String]) -> [String] {
    let rootOptions = ["-h", "--help", "--version", "--generate-completion-script", "--experimental-dump-help"]
    guard let first = arguments.first else { return ["repl"] }
    if subcommands.contains(first) || rootOptions.contains(where: { first == $0 || first.hasPrefix($0 + "=") }) { return arguments }
    let looksLikeWord = !first.hasPrefix("-") && !first.contains { "/.=".contains($0) }
    if looksLikeWord, !FileManager.default.fileExists(atPath: first), subcommands.contains(where: { editDistance($0, first) <= 2 }) {
      return arguments
    }
    return ["repl"] + arguments
  }

  /// The arguments with values that start with `-` kept as values: a negative UTC offset
  /// (`--tz -05:00`) joins its option, and a formula that starts with `-`
  /// (`tally eval '-1 + 2'`) gets a leading space, which `evalFormula(_:)` drops again.
  public static func protectingValues(_ arguments: [String]) -> [String] {
    var arguments = arguments
    var j = 0
    while j + 1 < arguments.count {
      if ["--tz", "--as-of"].contains(arguments[j]), let c = arguments[j + 1].dropFirst().first, arguments[j + 1].hasPrefix("-"), c.isNumber
      {
        arguments[j...j + 1] = [arguments[j] + "=" + arguments[j + 1]]
      }
      j += 1
    }
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
    return arguments
  }

  /// A formula as `protectingValues(_:)` passed it on.
  public static func evalFormula(_ argument: String) -> String {
    argument.hasPrefix(" -") ? String(argument.dropFirst()) : argument
  }
}
