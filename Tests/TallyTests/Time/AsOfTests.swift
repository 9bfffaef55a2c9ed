import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// `--as-of DAY` is the start of the next day in the session zone, even where a DST change
/// skips that midnight (Chile moved 2024-09-08 00:00 to 01:00; Cuba 2024-03-10 00:00 to 01:00).
final class AsOfTests: XCTestCase {
  func asOf(_ day: String, _ zone: String) -> String {
    let z = Zone(zone)!
    return z.iso(Instant(day)!.resolve(z))
  }

  func testNextMidnightWhenTodaysMidnightWasSkipped() {
    XCTAssertEqual(asOf("2024-09-08", "America/Santiago"), "2024-09-09T00:00:00-03:00")
    XCTAssertEqual(asOf("2024-09-07", "America/Santiago"), "2024-09-08T01:00:00-03:00")
    XCTAssertEqual(asOf("2024-03-09", "America/Havana"), "2024-03-10T01:00:00-04:00")
    XCTAssertEqual(asOf("2024-06-30", "Asia/Shanghai"), "2024-07-01T00:00:00+08:00")
    XCTAssertEqual(asOf("9999-12-31", "UTC"), "9999-12-31T23:59:59.999999+00:00")
  }

  func testZoneNamesIgnoreCase() {
    XCTAssertEqual(Zone("utc")?.iso(0), "1970-01-01T00:00:00+00:00")
    XCTAssertEqual(Zone("asia/shanghai")?.timeZone.identifier, "Asia/Shanghai")
    XCTAssertNil(Zone("Asia/Shangai"))
    XCTAssertEqual(asOf("2024-06-30", "+05:30"), "2024-07-01T00:00:00+05:30")
  }

  func testDefaultAsOfAfterASkippedMidnight() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-asof-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("d.csv").path
    try Data("id,t\n1,2024-09-08T12:00:00\n".utf8).write(to: URL(fileURLWithPath: path))
    let s = Session(zone: Zone("America/Santiago")!)
    try s.load(name: "d", path: path)
    XCTAssertEqual(s.zone.iso(s.resolvedAsOf), "2024-09-09T00:00:00-03:00")
    // The row at 2024-09-09 00:30 local is after the end of 2024-09-08.
    try Data("id,t\n1,2024-09-08T12:00:00\n2,2024-09-09T00:30:00\n".utf8).write(to: URL(fileURLWithPath: path))
    let t = Session(zone: Zone("America/Santiago")!)
    try t.load(name: "d", path: path)
    t.asOf = Instant("2024-09-08")
    XCTAssertEqual(try t.evaluate("count(d)").value.scalarValue, .int(1))
  }
}
