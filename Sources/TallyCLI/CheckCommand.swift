import ArgumentParser
import Foundation
import Tally
import TallyDriver

/// `tally check`: evaluate every metric and assert, for CI.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Evaluate every metric and assert of .kpi files; exit 1 when one fails.",
    discussion: """
      PATHs are .kpi files or directories (every *.kpi file below them, in path order, hidden ones skipped; default: the current directory). All files form one namespace.

      Exit codes: 0 all pass; 1 a metric failed its target or an assert is false (with --strict, also a metric at warn); 2 an error in a definition, an argument or the data.
      """
  )

  enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, junit, markdown }

  @Argument(help: "Definition files or directories.")
  var paths: [String] = []

  @OptionGroup var time: TimeOptions

  @OptionGroup var caching: CacheOptions

  @Option(name: .long, help: "Output format: table, json, junit or markdown.")
  var format: Format = .table

  @Flag(name: .long, help: "Exit 1 when a metric is at warn, too.")
  var strict = false

  @Option(
    name: .customLong("repeat"),
    help: ArgumentHelp(
      "Evaluate every metric and assert N more times over the loaded data, from nothing computed, and report the best round's time on standard error: a benchmark of evaluation alone.",
      valueName: "N"))
  var rounds: Int?

  @Option(
    name: .long, help: ArgumentHelp("Refuse dataset paths outside this directory (after resolving '..' and links).", valueName: "DIR"))
  var root: String?

  func run() throws {
    do {
      try check()
    } catch let e as TallyError {
      // CI reports stay readable when nothing could be evaluated; the errors also go to stderr.
      if format == .junit { FileHandle.standardOutput.write(Data(Report.junit(errors: e, command: "check").utf8)) }
      if format == .markdown { FileHandle.standardOutput.write(Data(Report.markdown(errors: e).utf8)) }
      throw e
    }
  }

  /// `--repeat N`: the best and the median round of N evaluations over the loaded data.
  static func benchmark(_ session: Session, rounds: Int) throws {
    var seconds: [Double] = []
    for _ in 0..<rounds {
      session.forgetResults()
      let started = ContinuousClock.now
      _ = try session.runChecks()
      let took = ContinuousClock.now - started
      seconds.append(Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
    }
    seconds.sort()
    let ms = { (s: Double) in String(format: "%.1f ms", s * 1000) }
    FileHandle.standardError.write(
      Data(
        "evaluated \(session.metrics.count) metrics and \(session.asserts.count) asserts \(rounds) times over the loaded data: best round \(ms(seconds[0])), median \(ms(seconds[seconds.count / 2]))\n"
          .utf8))
  }

  /// `--root DIR` names a directory that exists.
  static func requireDirectory(_ root: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw TallyError(Diagnostic(.error, DriverMessage.noSuchDirectory(root), at: .file("--root", line: nil, column: nil)))
    }
  }

  private func check() throws {
    if let rounds {
      guard rounds > 0 else {
        throw TallyError(
          Diagnostic(
            .error, DriverMessage.roundsNotPositive(rounds), at: .file("--repeat", line: nil, column: nil), notes: ["as in --repeat 10"]))
      }
    }
    let session = try time.makeSession()
    if let root { try Self.requireDirectory(root) }
    session.root = root
    session.readsOnlyNamedColumns = true  // only these files' formulas are evaluated
    session.columnCache = caching.columnCache
    try session.define(parsed: try SessionSetup.readDefinitions(try DefinitionFiles.collect(paths)), formulas: false)
    let report = try session.runChecks()
    if let rounds { try Self.benchmark(session, rounds: rounds) }
    let out: String
    switch format {
    case .table: out = Report.table(report, zone: session.zone, color: Terminal.stdoutIsTTY, maxCellWidth: Terminal.columns)
    case .json: out = Report.json(report, zone: session.zone)
    case .junit: out = Report.junit(report, zone: session.zone, strict: strict)
    case .markdown: out = Report.markdown(report, zone: session.zone)
    }
    FileHandle.standardOutput.write(Data(out.utf8))
    if !report.notes.isEmpty { Terminal.report(TallyError(report.notes)) }
    let status = ExitStatus(report, strict: strict)
    if status != .success { throw ExitCode(status.rawValue) }
  }
}
