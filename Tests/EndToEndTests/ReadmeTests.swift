import Foundation
import XCTest

/// The README's command examples run as written, from the repository's root.
final class ReadmeTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The shell commands of the first code block after `heading`, continued lines joined.
  func commands(after heading: String) throws -> [String] {
    let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    guard let section = readme.range(of: "\n" + heading + "\n"),
      let open = readme.range(of: "```\n", range: section.upperBound..<readme.endIndex),
      let close = readme.range(of: "```", range: open.upperBound..<readme.endIndex)
    else {
      XCTFail("README.md has no code block after '\(heading)'")
      return []
    }
    let block = readme[open.upperBound..<close.lowerBound].replacingOccurrences(of: "\\\n", with: " ")
    return block.split(separator: "\n").map(String.init).filter { $0.hasPrefix("tally ") }
  }

  /// Runs each command from the repository's root; returns their outputs.
  func run(_ commands: [String]) throws -> [String] {
    var outputs: [String] = []
    for command in commands {
      let line = "'\(TallyProcess.executable.path)'" + command.dropFirst("tally".count)
      let r = try TallyProcess.run(["-c", line], in: Self.root, executable: URL(fileURLWithPath: "/bin/sh"))
      XCTAssertEqual(r.code, 0, "\(command)\n\(r.stderr)")
      XCTAssertTrue(r.stderr.isEmpty, "\(command)\n\(r.stderr)")
      XCTAssertFalse(r.stdout.isEmpty, command)
      outputs.append(r.stdout)
    }
    return outputs
  }

  func testEvaluatingFormulasExamplesRun() throws {
    let examples = try commands(after: "## Evaluating formulas")
    XCTAssertEqual(examples.count, 4, "\(examples)")
    _ = try run(examples)
  }

  func testWarehouseExamplesRun() throws {
    let examples = try commands(after: "## On a warehouse: `tally sql`")
    XCTAssertEqual(examples.count, 4, "\(examples)")
    let outputs = try run(examples)
    guard outputs.count == 4 else { return }
    for statement in outputs.prefix(3) { XCTAssertTrue(statement.contains("SELECT"), statement) }
    // Two metrics, one statement each.
    XCTAssertEqual(outputs[2].components(separatedBy: ";\n").count - 1, 2, outputs[2])
    XCTAssertTrue(outputs[3].contains("CREATE TABLE orders"), outputs[3])
  }

  func testAcrossTablesExamplesRun() throws {
    let examples = try commands(after: "## Across tables, over groups, in series")
    XCTAssertEqual(examples.count, 5, "\(examples)")
    let outputs = try run(examples)
    guard outputs.count == 5 else { return }
    // One row per platform, reached through the refund's order and the order's shop.
    for platform in ["pinduoduo", "taobao", "tmall"] {
      XCTAssertTrue(outputs[0].contains(platform), outputs[0])
    }
    // Eight weekly points, the last one the week of the as-of.
    let weeks = outputs[4].split(separator: "\n").filter { $0.hasPrefix("20") }
    XCTAssertEqual(weeks.count, 8, outputs[4])
  }
}
