import XCTest

@_spi(Stages) @testable import Tally

/// Diagnostics have an identity apart from their text, and one formatter renders them.
final class DiagnosticTests: XCTestCase {
  func testIdentityIsTheStageAndTheCase() {
    XCTAssertEqual(CheckMessage.unknownColumn("a", in: "o", qualified: true).id.rawValue, "check.unknownColumn")
    XCTAssertEqual(
      CheckMessage.unknownColumn("b", in: "p", qualified: false).id, CheckMessage.unknownColumn("a", in: "o", qualified: true).id)
    XCTAssertEqual(SyntaxMessage.unterminatedString.id.rawValue, "syntax.unterminatedString")
    XCTAssertEqual(DataMessage.badUTF8.id.rawValue, "data.badUTF8")
    XCTAssertEqual(SessionMessage.duplicateName("x").id.rawValue, "session.duplicateName")
  }

  func testAChecksErrorsCarryTheirCaseAndArguments() throws {
    let s = Session()
    try s.add(CheckerTests.schema("orders", [("amount", .number)]))
    do {
      _ = try s.evaluate("sum(orders.amont)")
      XCTFail("a misspelt column checks")
    } catch let e as TallyError {
      XCTAssertEqual(e.diagnostics.count, 1)
      guard case .unknownColumn("amont", "orders", qualified: true)? = e.diagnostics[0].message(as: CheckMessage.self) else {
        return XCTFail("\(e.diagnostics[0].id)")
      }
    }
  }

  func testTheFormatterPointsAtTheRangeInTerminalColumns() {
    let source = Source(name: "a.kpi", text: "metric 退款 = sum(o.金额x)\n")
    let start = source.text.utf8.count - "金额x)\n".utf8.count
    let d = Diagnostic.error(
      CheckMessage.unknownColumn("金额x", in: "o", qualified: true), source, SourceRange(start, start + "金额x".utf8.count))
    XCTAssertEqual(
      DiagnosticFormatter().format(d),
      """
      a.kpi:1:19: error: unknown column '金额x' in 'o'
      1 | metric 退款 = sum(o.金额x)
        |                     ^~~~~

      """)
    // At a prompt: the caret alone under the line typed, then the message.
    XCTAssertEqual(
      DiagnosticFormatter().format(d, placement: .underPrompt(promptWidth: 7)),
      String(repeating: " ", count: 7 + 20) + "^~~~~\nerror: unknown column '金额x' in 'o'\n")
    // Colour only when asked.
    XCTAssertTrue(DiagnosticFormatter(color: true).format(d).contains("\u{1B}[1;31merror\u{1B}[0m"))
    XCTAssertFalse(DiagnosticFormatter().format(d).contains("\u{1B}"))
  }

  func testEachReportIsKeptOnceWhateverItsNotes() {
    let source = Source(name: "a.kpi", text: "count(x)")
    let a = Diagnostic.error(CheckMessage.unknownDataset("x"), source, SourceRange(6, 7))
    var b = a
    b.notes = ["another note"]
    let c = Diagnostic.error(CheckMessage.unknownDataset("x"), Source(name: "a.kpi", text: "count(y)"), SourceRange(6, 7))
    XCTAssertEqual([a, b, c].uniqued().count, 2, "the same message at the same place is one report; another text is another")
  }
}
