import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// `by` keys meeting across datasets (LANGUAGE.md section 6).
final class GroupingTests: XCTestCase {
  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-group-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  func session(_ files: [String: String], zone: String = "UTC") throws -> Session {
    let s = Session(zone: Zone(zone)!)
    for (name, text) in files.sorted(by: { $0.key < $1.key }) {
      let path = dir.appendingPathComponent("\(name).csv").path
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      try s.load(name: name, path: path)
    }
    return s
  }

  func rows(_ s: Session, _ formula: String) throws -> [String] {
    guard case .grouped(let g) = try s.evaluate(formula).value else { return [] }
    return g.sortedRows.map { ($0.key + [$0.value]).map(\.description).joined(separator: ":") }
  }

  /// Keys sort by value (ints exactly, even beyond 2^53, and the largest before null), strings
  /// by code point (`Z` < `a` < `é` < `中`), null last; on two keys the first decides first.
  func testSortOrderOfKeys() throws {
    let s = try session([
      "d":
        "n,m,s,x\n9223372036854775807,1,a,1\n,,Z,1\n9007199254740993,9007199254740993,é,1\n9007199254740992,9007199254740992,中,1\n-3,-3,a,2\n,,,2\n"
    ])
    XCTAssertEqual(
      try rows(s, "count(d) by n"),
      ["-3:1", "9007199254740992:1", "9007199254740993:1", "9223372036854775807:1", "null:2"])
    XCTAssertEqual(  // without Int64.max, the integer fast path
      try rows(s, "count(d) by m"),
      ["-3:1", "1:1", "9007199254740992:1", "9007199254740993:1", "null:2"])
    XCTAssertEqual(try rows(s, "count(d) by s"), ["Z:1", "a:2", "é:1", "中:1", "null:1"])
    XCTAssertEqual(
      try rows(s, "count(d) by x, s"), ["1:Z:1", "1:a:1", "1:é:1", "1:中:1", "2:a:1", "2:null:1"])
  }

  func testAnIntKeyMeetsAnEqualNumberKey() throws {
    let s = try session(["a": "k\n1\n2\n", "b": "k\n1.0\n2.5\n"])
    // Key 1 has a row in each dataset, 2 only in a, 2.5 only in b.
    XCTAssertEqual(try rows(s, "count(a) + count(b) by k"), ["1:2", "2:1", "2.5:1"])
  }

  func testKeysOfDifferentTypesAreAnErrorAtTheKey() throws {
    let s = try session(["a": "k\n1\n", "b": "k\nx\n"])
    XCTAssertThrowsError(try s.evaluate("count(a) + count(b) by k")) { error in
      let d = (error as! TallyError).diagnostics[0]
      XCTAssertEqual(d.message, "'by k': 'k' is an int in 'a' but a string in 'b', so their groups cannot meet")
      XCTAssertEqual(d.position, "<expr>:1:24")
    }
  }

  func testMissingKeyColumnIsReportedAtTheKey() throws {
    let s = try session(["orders": "shop,amount\nA,1\n"])
    XCTAssertThrowsError(try s.evaluate("sum(amount) by shp")) { error in
      let d = (error as! TallyError).diagnostics[0]
      XCTAssertEqual(d.position, "<expr>:1:16")
      XCTAssertEqual(d.notes, ["did you mean 'shop'?"])
    }
  }

  func testTheRepeatedHourOfAFallBackIsOneGroup() throws {
    // 00:30Z and 01:30Z on 2024-10-27 are both 02:30 in Berlin (CEST, then CET).
    let s = try session(["d": "id,t\n1,2024-10-27T00:30:00Z\n2,2024-10-27T01:30:00Z\n3,2024-10-27T02:30:00Z\n"], zone: "Europe/Berlin")
    XCTAssertEqual(try rows(s, "count(d) by hour"), ["2024-10-27T02:2", "2024-10-27T03:1"])
  }
}
