import Foundation
import Tally
import XCTest

/// The README's "Embedding Tally in a Swift program" example, as a program would write it.
final class EmbeddingTests: XCTestCase {
  func testReadmeExample() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-embed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    // Times are Shanghai wall-clock; as of the end of 2024-06-30 the 28-day window is [06-03, 07-01).
    let csv = """
      id,shop,status,paid_at
      1,A,paid,2024-06-02 23:59:59
      2,A,paid,2024-06-03 00:00:00
      3,B,unpaid,
      4,B,shipped,2024-06-30 23:59:59
      5,B,paid,2024-07-01 00:00:00

      """
    let path = dir.appendingPathComponent("orders.csv").path
    try Data(csv.utf8).write(to: URL(fileURLWithPath: path))

    let session = Session(zone: Zone("Asia/Shanghai")!)
    try session.load(name: "orders", path: path, timeColumn: "paid_at")
    session.asOf = Instant("2024-06-30")
    let result = try session.evaluate(#"count(orders where status != "unpaid") over 28d by shop"#)
    guard case .grouped(let g) = result.value else { return XCTFail("expected a grouped value") }
    // Hand count: A has id 2 in the window (id 1 is a second too early); B has id 4 (id 5 is at the as-of, excluded).
    XCTAssertEqual(g.sortedRows.map { "\($0.key[0]):\($0.value)" }, ["A:1", "B:1"])
    XCTAssertEqual(
      Render.json(result, zone: session.zone),
      #"{"as_of": "2024-07-01T00:00:00+08:00", "columns": ["shop", "value"], "rows": [["A", 1], ["B", 1]]}"#)

    XCTAssertThrowsError(try session.evaluate("count(orders where stauts = 1)")) { error in
      let e = error as! TallyError
      XCTAssertEqual(e.diagnostics.first?.message, "unknown column 'stauts' in 'orders'")
      XCTAssertEqual(e.diagnostics.first?.notes, ["did you mean 'status'?"])
      XCTAssertTrue(e.diagnostics.first!.rendered().hasPrefix("<expr>:1:20: error: unknown column 'stauts' in 'orders'\n"))
    }
  }
}

/// `Interruption.request()` (Ctrl-C in the REPL) stops a load or an evaluation under way.
final class InterruptionTests: XCTestCase {
  func testARequestStopsALoadAndAnEvaluationAndChangesNothing() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-interrupt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    // More rows than the loader reads between two looks at the request.
    let path = dir.appendingPathComponent("rows.csv").path
    try Data(("n\n" + (0..<70_000).map { "\($0 % 7)\n" }.joined()).utf8).write(to: URL(fileURLWithPath: path))

    let session = Session()
    Interruption.request()
    XCTAssertThrowsError(try session.load(name: "rows", path: path)) { error in
      XCTAssertEqual((error as? TallyError)?.diagnostics.first?.message, "interrupted")
    }
    XCTAssertFalse(session.isDefined("rows"))

    XCTAssertThrowsError(try session.load(name: "rows", path: path), "a request stays until reset")
    Interruption.reset()
    try session.load(name: "rows", path: path)
    Interruption.request()
    XCTAssertThrowsError(try session.evaluate("sum(rows.n)")) { error in
      XCTAssertEqual((error as? TallyError)?.diagnostics.first?.message, "interrupted")
    }
    Interruption.reset()
    // 70,000 rows are 10,000 cycles of 0…6, each summing to 21.
    XCTAssertTrue(Render.json(try session.evaluate("sum(rows.n)"), zone: session.zone).hasSuffix(#""value": 210000}"#))

    Interruption.request()
    Interruption.reset()  // a request that no work saw is forgotten before new work
    XCTAssertTrue(Render.json(try session.evaluate("count(rows)"), zone: session.zone).hasSuffix(#""value": 70000}"#))
  }

  /// An interrupted change of zone or of several definitions leaves everything as it was.
  func testAnInterruptedChangeIsRolledBack() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-interrupt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer {
      Interruption.reset()
      try? FileManager.default.removeItem(at: dir)
    }
    let big = dir.appendingPathComponent("big.csv").path
    try Data(("t\n" + String(repeating: "2024-06-30 20:00:00\n", count: 70_000)).utf8).write(to: URL(fileURLWithPath: big))
    let small = dir.appendingPathComponent("small.csv").path
    try Data("t\n2024-06-30 20:00:00\n".utf8).write(to: URL(fileURLWithPath: small))

    let session = Session()
    try session.load(name: "small", path: small)
    try session.load(name: "big", path: big)
    Interruption.request()
    XCTAssertThrowsError(try session.setZone(Zone("Asia/Shanghai")!))
    Interruption.reset()
    // Still UTC, with the times read in UTC.
    XCTAssertEqual(session.zone.iso(0), "1970-01-01T00:00:00+00:00")
    XCTAssertEqual(try session.scalar("max(small.t)"), .time(epochMicros("2024-06-30T20:00:00Z")))

    let defs = Source(name: "d.kpi", text: "dataset a from \"\(small)\"\ndataset b from \"\(big)\"\nmetric n = count(a) + count(b)\n")
    let fresh = Session()
    Interruption.request()
    XCTAssertThrowsError(try fresh.define(defs))
    XCTAssertFalse(fresh.isDefined("a"), "the small file's dataset was rolled back too")
    XCTAssertFalse(fresh.isDefined("n"))
  }
}
