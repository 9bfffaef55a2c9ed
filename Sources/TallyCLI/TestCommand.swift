import ArgumentParser
import Foundation
import Tally
import TallyDriver

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
    let sources = try SessionSetup.readDefinitions(try DefinitionFiles.collect(paths))
    // Definition errors stop everything, as in `check`.
    if let root { try CheckCommand.requireDirectory(root) }
    let probe = Session(zone: zone)
    let cache = DatasetCache()
    probe.cache = cache
    probe.root = root
    _ = try probe.define(parsed: sources, formulas: false)
    let results = TestRunner.run(parsed: sources, zone: zone, asOf: try time.instant(), cache: cache, root: root)
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
    let status = ExitStatus(results)
    if status != .success { throw ExitCode(status.rawValue) }
  }
}
