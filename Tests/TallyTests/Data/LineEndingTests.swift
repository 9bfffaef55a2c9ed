import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// CSV line ends: LF, CRLF and the lone CR of classic Mac exports read the same rows.
final class LineEndingTests: XCTestCase {
  func load(_ text: String) throws -> Dataset {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-eol-\(UUID().uuidString).csv").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return try DataLoader.load(name: "d", path: path, zone: .utc)
  }

  func testEveryLineEndReadsTheSameRows() throws {
    for eol in ["\n", "\r\n", "\r"] {
      let ds = try load(["a,b", "1,\"x\(eol)y\"", "3,4", ""].joined(separator: eol))
      XCTAssertEqual(ds.rowCount, 2, eol.debugDescription)
      XCTAssertEqual(ds.column("a")?.vector.value(at: 1), .int(3), eol.debugDescription)
      XCTAssertEqual(ds.column("b")?.vector.value(at: 0), .string("x\(eol)y"), eol.debugDescription)
    }
  }

  func testLoneCRLineNumbersInErrors() {
    XCTAssertThrowsError(try load("a,b\r1,\"x\ry\"\r3\r")) { error in
      XCTAssertEqual((error as? TallyError)?.diagnostics.first?.position.hasSuffix(":4"), true, "\(error)")
    }
  }
}
