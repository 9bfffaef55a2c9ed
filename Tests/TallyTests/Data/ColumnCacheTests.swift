import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// Typed columns kept between runs: a second session over the same file reads the entry and
/// gives the same dataset; a changed file, another zone, a column the entry lacks or an entry
/// that is not one are read from the text again; no answer ever changes.
final class ColumnCacheTests: XCTestCase {
  let text = """
    id,shop,amount,paid_at,ok,wait,note
    1,天猫店,10.5,2024-06-01 10:00,true,1,"a, b"
    2,,20,2024-06-02 11:00,false,,
    3,B,,,true,3,"two
    lines"
    """

  func session(_ dir: URL, zone: Zone = .utc, only: Bool = false) throws -> Session {
    let s = Session(zone: zone)
    s.columnCache = ColumnCache()
    s.readsOnlyNamedColumns = only
    try s.defineFiles([dir.appendingPathComponent("k.kpi").path])
    return s
  }

  func same(_ a: Dataset, _ b: Dataset, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.columnNames, b.columnNames, file: file, line: line)
    XCTAssertEqual(a.rowCount, b.rowCount, file: file, line: line)
    for (x, y) in zip(a.columns, b.columns) {
      XCTAssertEqual(x.type, y.type, x.name, file: file, line: line)
      XCTAssertEqual(x.textOrigin, y.textOrigin, x.name, file: file, line: line)
      for r in 0..<a.rowCount { XCTAssertEqual(x.vector.value(at: r), y.vector.value(at: r), "\(x.name) row \(r)", file: file, line: line) }
    }
    for r in 0..<a.rowCount { XCTAssertEqual(a.rowLines.line(of: r), b.rowLines.line(of: r), file: file, line: line) }
  }

  func entries(_ dir: URL) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data/.tally-cache").path)) ?? []
  }

  func testASecondRunReadsTheEntryAndGivesTheSameData() throws {
    let dir = TestEnv.temporaryDirectory()
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
    _ = try writeFile(dir, "data/t.csv", text)
    _ = try writeFile(dir, "k.kpi", "dataset t from \"data/t.csv\" time paid_at\nmetric n = sum(t.amount where ok)\n")
    let first = try session(dir)
    XCTAssertEqual(entries(dir).count, 1)
    // The entry holds the dataset as read, and the second session reads it.
    let cached = try XCTUnwrap(ColumnCache().load(name: "t", path: dir.appendingPathComponent("data/t.csv").path, zone: .utc, named: nil))
    same(cached, first.datasets["t"]!)
    let second = try session(dir)
    same(second.datasets["t"]!, first.datasets["t"]!)
    XCTAssertEqual(try second.scalar("n"), .number(10.5))
  }

  func testAChangedFileAnotherZoneOrAMissingColumnReadsTheTextAgain() throws {
    let dir = TestEnv.temporaryDirectory()
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
    let path = try writeFile(dir, "data/t.csv", text)
    _ = try writeFile(dir, "k.kpi", "dataset t from \"data/t.csv\" time paid_at\nmetric n = sum(t.amount where ok)\n")
    // Only the named columns are read, and kept.
    _ = try session(dir, only: true)
    XCTAssertNil(ColumnCache().load(name: "t", path: path, zone: .utc, named: nil), "the entry lacks columns")
    XCTAssertNotNil(ColumnCache().load(name: "t", path: path, zone: .utc, named: ["amount", "ok", "paid_at"]))
    XCTAssertNil(ColumnCache().load(name: "t", path: path, zone: .utc, named: ["amount", "ok", "paid_at", "shop"]))
    // A session that reads every column writes the entry again, whole.
    let all = try session(dir)
    XCTAssertEqual(all.datasets["t"]?.columns.count, 7)
    XCTAssertNotNil(ColumnCache().load(name: "t", path: path, zone: .utc, named: nil))
    XCTAssertNil(ColumnCache().load(name: "t", path: path, zone: try XCTUnwrap(Zone("Asia/Shanghai")), named: nil))
    // Another amount, same size: the modification time (and the block hash) differ.
    let changed = text.replacingOccurrences(of: "10.5", with: "11.5")
    Thread.sleep(forTimeInterval: 0.01)
    try Data(changed.utf8).write(to: URL(fileURLWithPath: path))
    XCTAssertNil(ColumnCache().load(name: "t", path: path, zone: .utc, named: nil))
    XCTAssertEqual(try session(dir).scalar("n"), .number(11.5))
    // An entry that is not one (cut short, another format, a byte changed) is as if there were none.
    let entry = dir.appendingPathComponent("data/.tally-cache").appendingPathComponent(entries(dir)[0])
    let bytes = try Data(contentsOf: entry)
    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x10
    for spoilt in [bytes.prefix(bytes.count / 2), Data("TALLYCC1".utf8) + bytes.dropFirst(8), flipped, Data()] {
      try spoilt.write(to: entry)
      XCTAssertNil(ColumnCache().load(name: "t", path: path, zone: .utc, named: nil))
      XCTAssertEqual(try session(dir).scalar("n"), .number(11.5))
    }
  }
}

extension ColumnCache {
  /// The entry of a file as it is now.
  func load(name: String, path: String, zone: Zone, named: Set<String>?) -> Dataset? {
    ColumnCache.identity(of: path, zone: zone).flatMap { load(name: name, path: path, zone: zone, named: named, identity: $0) }
  }
}
