import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// Which dataset an aggregate reads when its columns are bare names (LANGUAGE.md section 4).
final class NameResolutionTests: XCTestCase {
  var session: Session!

  override func setUpWithError() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-names-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try Data("id,amount,shop\n1,10,A\n2,20,B\n".utf8).write(to: dir.appendingPathComponent("o.csv"))
    try Data("id,amount\n1,5\n".utf8).write(to: dir.appendingPathComponent("r.csv"))
    session = Session()
    try session.load(name: "orders", path: dir.appendingPathComponent("o.csv").path)
    try session.load(name: "refunds", path: dir.appendingPathComponent("r.csv").path)
  }

  func value(_ f: String) throws -> Value? { try session.evaluate(f).value.scalarValue }

  func testAColumnInOneDatasetOnlyDecidesForAnAmbiguousOne() throws {
    // `shop` is only in orders, so `amount` is orders.amount: 10.
    XCTAssertEqual(try value(#"sum(amount where shop = "A")"#), .int(10))
    XCTAssertEqual(try value(#"sum(amount where "A" = shop)"#), .int(10))
    XCTAssertThrowsError(try value("sum(amount)")) { error in
      XCTAssertEqual(
        (error as? TallyError)?.diagnostics.first?.message,
        "column 'amount' is in several datasets ('orders', 'refunds'); name one, as in 'orders.amount'")
    }
  }

  func testPercentileTakesAConstantFormula() throws {
    // [10, 20] at 0.9: 10 + 0.9 × (20 − 10) = 19.
    XCTAssertEqual(try value("percentile(orders.amount, 1 - 0.1)"), .number(19))
    XCTAssertThrowsError(try value("percentile(orders.amount, 2 - 0.5)"))
  }
}
