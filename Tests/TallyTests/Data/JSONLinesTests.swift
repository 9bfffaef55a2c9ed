import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// JSON Lines: columns in the order keys first appear, escapes decoded, nested values kept as JSON.
final class JSONLinesTests: XCTestCase {
  func testKeysInOrderEscapesAndNestedValues() throws {
    let text = #"""
      {"z": 1, "ok": true, "s": "a\"b\u4e2d\ud83d\ude00"}
      {"id": 2, "z": 3, "n": {"a": [1, "}"]}, "ok": null}
      """#
    let ds = try JSONLinesReader.read(name: "d", path: "d.jsonl", bytes: Array(text.utf8), zone: .utc)
    XCTAssertEqual(ds.columnNames, ["z", "ok", "s", "id", "n"])
    XCTAssertEqual(ds.column("s")?.vector.value(at: 0), .string("a\"b中😀"))
    XCTAssertEqual(ds.column("n")?.vector.value(at: 1), .string(#"{"a": [1, "}"]}"#))
    XCTAssertEqual(ds.column("ok")?.vector.value(at: 1), .null)
    XCTAssertEqual(ds.column("ok")?.type, .bool)
  }

  func testErrorsNameLineAndColumn() {
    for (text, position, reason) in [
      ("{\"a\": 1,}\n", "d.jsonl:1:9", "expected a string"), ("{\"a\": tru}\n", "d.jsonl:1:7", "unexpected 'tru'"),
      ("{\"a\": 1}\n{\"a\": \"x\n", "d.jsonl:2:7", "unterminated string"), ("{\"a\": 1} x\n", "d.jsonl:1:10", "text after the object"),
    ] {
      XCTAssertThrowsError(try JSONLinesReader.read(name: "d", path: "d.jsonl", bytes: Array(text.utf8), zone: .utc)) { error in
        let d = (error as! TallyError).diagnostics[0]
        XCTAssertEqual(d.position, position, text)
        XCTAssertEqual(d.message, "malformed JSON line: \(reason)", text)
      }
    }
  }
}

/// Found by fuzzing: escapes that do not make a character.
final class JSONLinesEscapeTests: XCTestCase {
  func testAHighSurrogateWithoutALowOneIsTheReplacementCharacter() throws {
    let bytes = Array(#"{"a": "\ud83d\uda00x\ud83d\ude00"}"#.utf8) + [10]
    let ds = try JSONLinesReader.read(name: "d", path: "d.jsonl", bytes: bytes, zone: .utc)
    XCTAssertEqual(ds.column("a")?.vector.value(at: 0), .string("\u{FFFD}x😀"))
  }
}
