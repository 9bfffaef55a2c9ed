import ArgumentParser
import Foundation
import Tally

/// The `.kpi` files a list of paths names: files as given, directories searched for `*.kpi`.
enum DefinitionFiles {
  static func collect(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    for p in paths.isEmpty ? ["."] : paths {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
        throw TallyError(Diagnostic(.error, Message.noSuchFileOrDirectory(p), at: .file(p, line: nil, column: nil)))
      }
      if !isDir.boolValue {
        files.append(p)
        continue
      }
      var found: [String] = []
      if let e = FileManager.default.enumerator(atPath: p) {
        for case let rel as String in e where rel.hasSuffix(".kpi") {
          // Hidden files and directories (`.git`, `.build`) are not definitions.
          if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
          let path = p == "." ? rel : (p as NSString).appendingPathComponent(rel)
          var isDirectory: ObjCBool = false
          if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { found.append(path) }
        }
      }
      if found.isEmpty {
        throw TallyError(
          Diagnostic(
            .error, Message.noDefinitionFiles(p), at: .file(p, line: nil, column: nil),
            notes: ["name the directory that holds the definitions, or the .kpi files themselves"]))
      }
      files += found.sorted()
    }
    // A file named twice (directly, through its directory, through a symbolic link) is read once.
    var seen = Set<String>()
    return files.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path).inserted }
  }
}

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

  @Option(name: .long, help: "Output format: table, json, junit or markdown.")
  var format: Format = .table

  @Flag(name: .long, help: "Exit 1 when a metric is at warn, too.")
  var strict = false

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

  /// `--root DIR` names a directory that exists.
  static func requireDirectory(_ root: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw TallyError(Diagnostic(.error, Message.noSuchDirectory(root), at: .file("--root", line: nil, column: nil)))
    }
  }

  private func check() throws {
    let session = try time.makeSession()
    if let root { try Self.requireDirectory(root) }
    session.root = root
    try session.defineFiles(try DefinitionFiles.collect(paths))
    let report = try session.runChecks()
    let out: String
    switch format {
    case .table: out = Report.table(report, zone: session.zone, color: Terminal.stdoutIsTTY)
    case .json: out = Report.json(report, zone: session.zone)
    case .junit: out = Report.junit(report, zone: session.zone, strict: strict)
    case .markdown: out = Report.markdown(report, zone: session.zone)
    }
    FileHandle.standardOutput.write(Data(out.utf8))
    let code = report.exitCode(strict: strict)
    if code != 0 { throw ExitCode(code) }
  }
}

/// `tally test`: run the `test` statements of .kpi files.
struct TestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run the metric tests ('test' statements) of .kpi files.",
    discussion: """
      A test sits beside the metrics it pins down:

        test "a refund closed by the platform does not count as self-completed"
          with refunds from "fixtures/refunds_platform_closed.csv"
          at @2024-06-30
          expect self_completion_rate = 50%
          expect refund_completion_time = 36h within 1m

      'with' replaces a dataset's file for this test, 'at' sets the as-of (else --as-of, else the default), 'expect' compares a formula with a value (exactly, or within a tolerance).

      Exit 1 when a test fails, 2 on errors.
      """
  )

  enum Format: String, ExpressibleByArgument, CaseIterable { case table, junit }

  @Argument(help: "Definition files or directories.")
  var paths: [String] = []

  @OptionGroup var time: TimeOptions

  @Option(name: .long, help: "Output format: table or junit.")
  var format: Format = .table

  @Option(
    name: .long,
    help: ArgumentHelp("Refuse dataset and fixture paths outside this directory (after resolving '..' and links).", valueName: "DIR"))
  var root: String?

  func run() throws {
    do {
      try test()
    } catch let e as TallyError {
      if format == .junit { FileHandle.standardOutput.write(Data(Report.junit(errors: e, command: "test").utf8)) }
      throw e
    }
  }

  private func test() throws {
    let zone = try time.zone()
    var sources: [(source: Source, baseDirectory: String?)] = []
    for f in try DefinitionFiles.collect(paths) {
      sources.append((try Session.readSource(f), Paths.directory(of: f)))
    }
    // Definition errors stop everything, as in `check`.
    if let root { try CheckCommand.requireDirectory(root) }
    let probe = Session(zone: zone)
    let cache = DatasetCache()
    probe.cache = cache
    probe.root = root
    _ = try probe.define(sources, formulas: false)
    let results = TestRunner.run(sources, zone: zone, asOf: try time.instant(), cache: cache, root: root)
    if format == .junit {
      FileHandle.standardOutput.write(Data(Report.junit(results).utf8))
    } else {
      var out = ""
      let color = Terminal.stdoutIsTTY
      for r in results {
        let mark = r.passed ? (color ? "\u{1B}[32mPASS\u{1B}[0m" : "PASS") : (color ? "\u{1B}[31mFAIL\u{1B}[0m" : "FAIL")
        out += "\(mark)  \(r.name)  (\(r.file):\(r.line))\n"
        for f in r.failures { out += "      \(f)\n" }
        if let e = r.error { out += e.diagnostics.map { $0.rendered() }.joined().split(separator: "\n").map { "      \($0)\n" }.joined() }
      }
      let failed = results.filter { !$0.passed }.count
      out += "\n\(results.count - failed) passed, \(failed) failed\n"
      FileHandle.standardOutput.write(Data(out.utf8))
    }
    if results.contains(where: { $0.error != nil }) { throw ExitCode(2) }
    if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
  }
}
