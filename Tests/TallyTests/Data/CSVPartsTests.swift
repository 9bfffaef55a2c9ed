import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// A big file's columns are built in parts, in parallel, from records that the first pass
/// marked: whatever the parts, the dataset is the one a single part gives, value for value,
/// dictionary code for dictionary code, with each row's line.
final class CSVPartsTests: XCTestCase {
  /// A file with what splits badly: quoted line breaks and delimiters, blank lines, nulls,
  /// strings that recur across parts and strings seen once, in Chinese too.
  func sample(rows: Int) -> String {
    var rng = SeededRandom(seed: 7)
    var text = "id,shop,amount,at,ok,note\n"
    for i in 0..<rows {
      if rng.chance(0.01) { text += "\n" }
      let shop = rng.chance(0.05) ? "" : rng.pick(["A", "天猫店", "拼多多店", "\"B, east\""])
      let amount = rng.chance(0.05) ? "" : "\(rng.below(100000)).\(rng.below(100))"
      let at = rng.chance(0.05) ? "" : "2024-0\(1 + rng.below(6))-1\(rng.below(10)) 0\(rng.below(10)):00:00"
      let note = rng.chance(0.02) ? "\"two\nlines \"\"quoted\"\"\"" : rng.chance(0.5) ? "" : "备注\(rng.below(3))"
      text += "O\(i),\(shop),\(amount),\(at),\(rng.chance(0.5)),\(note)\n"
    }
    return text
  }

  func testPartsGiveTheDatasetOnePartGives() throws {
    let bytes = Data(sample(rows: 5000).utf8)
    let zone = try XCTUnwrap(Zone("Asia/Shanghai"))
    var whole = CSVReader(path: "t.csv", bytes: bytes, delimiter: 44, zone: zone)
    whole.partRows = .max
    let one = try whole.read(name: "t")
    for (threads, partRows) in [(2, 1000), (3, 700), (7, 100), (2, 2400)] {
      var reader = CSVReader(path: "t.csv", bytes: bytes, delimiter: 44, zone: zone)
      reader.threads = threads
      reader.partRows = partRows
      let parts = try reader.read(name: "t")
      XCTAssertEqual(parts.rowCount, one.rowCount)
      XCTAssertEqual(parts.columns.map(\.name), one.columns.map(\.name))
      for (a, b) in zip(parts.columns, one.columns) {
        XCTAssertEqual(a.type, b.type, a.name)
        XCTAssertEqual(a.vector.nullCount, b.vector.nullCount, a.name)
        for row in 0..<one.rowCount where a.vector.value(at: row) != b.vector.value(at: row) {
          XCTFail(
            "\(threads) threads, parts of \(partRows): \(a.name) at row \(row) is \(a.vector.value(at: row)), not \(b.vector.value(at: row))"
          )
          break
        }
        if case .string(let codes, let dictionary) = a.vector.data, case .string(_, let want) = b.vector.data {
          XCTAssertEqual(Set(dictionary), Set(want), "one code per distinct string")
          XCTAssertEqual(dictionary.count, want.count)
          XCTAssertEqual(codes.count, one.rowCount)
        }
      }
      for row in stride(from: 0, to: one.rowCount, by: 37) {
        XCTAssertEqual(parts.rowLines.line(of: row), one.rowLines.line(of: row))
      }
    }
  }

  func testPartsAreAboutEqualAndCoverEveryRow() {
    let marks = (0..<10).map { RecordMark(row: $0 * 100, offset: $0 * 1000, line: $0 * 100 + 2) }
    let parts = CSVReader.parts(marks, rows: 1000, threads: 3, partRows: 100)
    XCTAssertEqual(parts.map(\.rows).reduce(0, +), 1000)
    XCTAssertEqual(parts.map(\.offset), [0, 3000, 6000])
    XCTAssertEqual(CSVReader.parts(marks, rows: 1000, threads: 4, partRows: 600).count, 1, "too few rows to share")
  }
}
