import ArgumentParser
import Foundation
import Tally

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
      Foundation.exit(2)
    } catch let e as ExitCode {
      Foundation.exit(e.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(2)
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

/// `--as-of` and `--tz`, which every evaluating command takes.
struct TimeOptions: ParsableArguments {
  @Option(
    name: .customLong("as-of"),
    help: ArgumentHelp("The exclusive end of time: a day (2024-06-30 means through its end) or an instant.", valueName: "T"))
  var asOf: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The session time zone: an IANA name such as Asia/Shanghai, or an offset such as +08:00.", valueName: "ZONE"))
  var tz: String = "UTC"

  /// An empty session in the zone, with the as-of set.
  func makeSession() throws -> Session {
    let session = Session(zone: try zone())
    session.asOf = try instant()
    return session
  }

  func zone() throws -> Zone {
    guard let z = Zone(tz) else {
      throw TallyError(
        Diagnostic(
          .error, Message.unknownZone(tz), at: .file("--tz", line: nil, column: nil),
          notes: (nearest(tz, in: TimeZone.knownTimeZoneIdentifiers).map { ["did you mean '\($0)'?"] } ?? [])
            + [Message.zoneHint]))
    }
    return z
  }

  func instant() throws -> Instant? {
    guard let asOf else { return nil }
    guard let i = Instant(asOf) else {
      throw TallyError(
        Diagnostic(
          .error, Message.malformedAsOf(asOf), at: .file("--as-of", line: nil, column: nil),
          notes: [Message.asOfHint]))
    }
    return i
  }
}

/// The data and definitions `eval` reads, with the time options.
struct SessionOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("A data file as a dataset: NAME=PATH, or NAME=PATH,time=COL.", valueName: "NAME=PATH[,time=COL]"))
  var data: [String] = []

  @Option(name: .long, help: ArgumentHelp("A .kpi definition file, or a directory of them, to load (repeatable).", valueName: "F.kpi"))
  var file: [String] = []

  @OptionGroup var time: TimeOptions

  /// A session with the zone, as-of, data and files loaded. A `--data` dataset that a file
  /// also declares replaces the file's path (and its time column, when `,time=` is given), so
  /// the same definitions run over another export.
  func makeSession() throws -> Session {
    let session = try time.makeSession()
    let files = file.isEmpty ? [] : try DefinitionFiles.collect(file)
    var declared: [String: String] = [:]  // dataset name -> where a file declares it
    for f in files {
      guard let source = try? Session.readSource(f) else { continue }  // reported by defineFiles
      for st in Parser.parse(source).statements {
        if case .dataset(let name, _, _) = st.kind { declared[name] = "\(source.name):\(st.line)" }
      }
    }
    var given = Set<String>()
    for d in data {
      let (name, path, time) = try DataArgument.parse(d)
      guard given.insert(name).inserted else {
        throw TallyError(
          Diagnostic(
            .error, Message.dataNamedTwice(name), at: .file("--data", line: nil, column: nil), notes: ["give each dataset its own name"]))
      }
      if let place = declared[name] {
        // Said on stderr, so that a name that meets by mistake does not go unnoticed.
        FileHandle.standardError.write(Data("note: --data \(name)=\(path) replaces the file declared at \(place)\n".utf8))
        session.datasetOverrides[name] = path
        if let time { session.timeColumnOverrides[name] = time }
      } else {
        try session.load(name: name, path: path, timeColumn: time)
      }
    }
    if !files.isEmpty { try session.defineFiles(files) }
    return session
  }
}

/// `--data NAME=PATH[,time=COL]`.
enum DataArgument {
  static func parse(_ s: String) throws -> (String, String, String?) {
    guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
      throw TallyError(
        Diagnostic(
          .error, Message.malformedData(s), at: .file("--data", line: nil, column: nil), notes: [Message.dataHint]))
    }
    let name = String(s[..<eq])
    var path = String(s[s.index(after: eq)...])
    var time: String?
    if let r = path.range(of: ",time=", options: .backwards) {
      let col = String(path[r.upperBound...])
      if !col.isEmpty, !col.contains("/") {
        time = col
        path = String(path[..<r.lowerBound])
      }
    }
    guard !path.isEmpty else {
      throw TallyError(
        Diagnostic(
          .error, Message.dataWithoutPath(s), at: .file("--data", line: nil, column: nil),
          notes: ["write NAME=PATH or NAME=PATH,time=COL"]))
    }
    return (name, path, time)
  }
}
