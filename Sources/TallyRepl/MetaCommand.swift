import Foundation
import Tally

/// A REPL command: a line that starts with `:`.
struct MetaCommand {
  var name: String
  var usage: String
  var summary: String

  /// Every command, in the order `:help` lists them.
  static let all: [MetaCommand] = [
    MetaCommand(
      name: "load", usage: ":load PATH [as NAME] [time COL]",
      summary: "load a data file (.csv .tsv .jsonl, .gz), a .kpi file or a directory of them"),
    MetaCommand(name: "datasets", usage: ":datasets", summary: "list the datasets and views"),
    MetaCommand(name: "schema", usage: ":schema NAME", summary: "columns, types, nulls, rows and time range of a dataset"),
    MetaCommand(name: "metrics", usage: ":metrics", summary: "every metric with its value, target and status"),
    MetaCommand(name: "describe", usage: ":describe NAME", summary: "a metric's formula, description, target, value, status"),
    MetaCommand(name: "asof", usage: ":asof [T | default]", summary: "show or set the as-of instant (the end of time)"),
    MetaCommand(name: "tz", usage: ":tz [ZONE]", summary: "show or set the session time zone"),
    MetaCommand(name: "format", usage: ":format [table | json | csv]", summary: "show or set how results are printed"),
    MetaCommand(name: "timing", usage: ":timing [on | off]", summary: "print how long each statement takes"),
    MetaCommand(
      name: "save", usage: ":save FILE.kpi", summary: "write the session's datasets, views, values and metrics to a new .kpi file"),
    MetaCommand(name: "help", usage: ":help [TOPIC]", summary: "this list, or help on a command or a topic"),
    MetaCommand(name: "quit", usage: ":quit", summary: "leave the REPL (also Ctrl-D)"),
  ]

  /// Other spellings.
  static let aliases = ["q": "quit", "exit": "quit", "h": "help", "?": "help", "d": "describe", "l": "load"]

  /// Whether a (trimmed) line is a command rather than Tally: it starts with `:` (no
  /// formula does; `:` alone lists the commands).
  static func isCommand(_ line: String) -> Bool { line.hasPrefix(":") }

  /// The command a name stands for, if any.
  static func named(_ name: String) -> MetaCommand? {
    let n = aliases[name] ?? name
    return all.first { $0.name == n }
  }

  /// Splits arguments at white space; `"..."` keeps spaces in one argument, and so does
  /// a backslash before a space (`my\ data.csv`; also `\"` and `\\`) outside quotes. A name
  /// in backquotes, as formulas write it (`` `my shops` ``), is one argument without them.
  static func words(_ s: String) -> [String] {
    var out: [String] = []
    var cur = ""
    var quoted = false
    var backquoted = false
    var started = false
    var escaped = false
    for c in s {
      if escaped {
        if !(c.isWhitespace || c == "\"" || c == "\\") { cur.append("\\") }
        cur.append(c)
        escaped = false
        started = true
      } else if c == "\\" && !quoted {
        escaped = true
      } else if c == "\"" && !backquoted {
        quoted.toggle()
        started = true
      } else if c == "`" && !quoted {
        backquoted.toggle()
        started = true
      } else if c.isWhitespace && !quoted && !backquoted {
        if started { out.append(cur) }
        cur = ""
        started = false
      } else {
        cur.append(c)
        started = true
      }
    }
    if escaped { cur.append("\\") }
    if started || escaped { out.append(cur) }
    return out
  }

  /// Whether arguments end between words: in white space that is neither quoted nor escaped.
  static func endsBetweenWords(_ s: String) -> Bool {
    var quoted = false
    var escaped = false
    var between = true
    for c in s {
      if escaped {
        escaped = false
        between = false
      } else if c == "\\" && !quoted {
        escaped = true
        between = false
      } else if c == "\"" {
        quoted.toggle()
        between = false
      } else {
        between = c.isWhitespace && !quoted
      }
    }
    return between && !escaped
  }

  /// A path as one word with a backslash before each space, quote and backslash.
  static func escaped(_ path: String) -> String {
    var out = ""
    for c in path {
      if c.isWhitespace || c == "\"" || c == "\\" { out.append("\\") }
      out.append(c)
    }
    return out
  }
}

extension ReplSession {
  /// Runs a `:command` line.
  func command(_ line: String) -> ReplOutput {
    let body = line.dropFirst().drop { $0.isWhitespace }
    let name = String(body.prefix { !$0.isWhitespace })
    let rest = String(body.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
    let args = MetaCommand.words(rest)
    var out = ReplOutput()
    if name.isEmpty { return help(nil) }
    guard let cmd = MetaCommand.named(name) else {
      if let near = nearest(name, in: MetaCommand.all.map(\.name) + Array(MetaCommand.aliases.keys)) {
        out.error(ReplMessage.unknownCommand(name).text + "; did you mean ':\(MetaCommand.aliases[near] ?? near)'?")
      } else {
        out.error(ReplMessage.unknownCommand(name).text + "; type :help for the list of commands")
      }
      return out
    }
    switch cmd.name {
    case "load": return loadCommand(args)
    case "datasets": out.print(datasetList())
    case "schema":
      guard args.count == 1 else { return usage(cmd) }
      return schema(args[0])
    case "metrics": return metricList()
    case "save":
      guard args.count == 1 else { return usage(cmd) }
      return save(args[0])
    case "describe":
      guard args.count == 1 else { return usage(cmd) }
      return describe(args[0])
    case "asof": return asOfCommand(args)
    case "tz": return zoneCommand(args)
    case "format":
      guard args.count <= 1 else { return usage(cmd) }
      guard let a = args.first else {
        out.print("format \(format.rawValue)")
        return out
      }
      guard let f = OutputFormat(rawValue: a.lowercased()) else {
        let near = nearest(a, in: OutputFormat.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
        out.error(ReplMessage.unknownFormat(a, formats: OutputFormat.allCases.map(\.rawValue)).text + near)
        return out
      }
      format = f
      out.print("format \(f.rawValue)")
    case "timing":
      switch args.first?.lowercased() {
      case nil: timing.toggle()
      case "on"?: timing = true
      case "off"?: timing = false
      default: return usage(cmd)
      }
      out.print("timing \(timing ? "on" : "off")")
    case "help": return help(args.first)
    case "quit": quitRequested = true
    default: break
    }
    return out
  }

  func usage(_ cmd: MetaCommand) -> ReplOutput {
    var out = ReplOutput()
    out.error(ReplMessage.usage(cmd.usage).text)
    return out
  }

}
