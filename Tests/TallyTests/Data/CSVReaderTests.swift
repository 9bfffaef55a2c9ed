import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// The loader: RFC 4180, type inference over whole columns, TSV, JSON Lines, gzip, and errors
/// that name `file:line` (LANGUAGE.md section 1).
final class CSVReaderTests: XCTestCase {
  var dir: URL!

  override func setUp() {
    dir = TestEnv.temporaryDirectory("loader")
  }

  override func tearDown() {
    try? FileManager.default.removeItem(at: dir)
  }

  func load(_ name: String, _ text: String, zone: Zone = .utc) throws -> Dataset {
    let path = try writeFile(dir, name, text)
    return try DataLoader.load(name: "d", path: path, zone: zone)
  }

  func load(_ name: String, bytes: [UInt8]) throws -> Dataset {
    let path = try writeFile(dir, name, bytes: bytes)
    return try DataLoader.load(name: "d", path: path, zone: .utc)
  }

  /// Every column as `name:type=[v1, v2, ...]`, values as Tally prints them (times in UTC).
  static func show(_ ds: Dataset) -> String {
    ds.columns.map { c in
      let values = (0..<ds.rowCount).map { i -> String in
        let v = c.vector.value(at: i)
        if case .string(let s) = v { return s.debugDescription }
        return v.description
      }
      return "\(c.name):\(c.type.rawValue)=[\(values.joined(separator: ", "))]"
    }.joined(separator: " ")
  }

  func testCSVTable() throws {
    let cases: [(String, String)] = [
      // Quoted commas and doubled quotes.
      ("a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n", #"a:string=["x, y"] b:string=["he said \"hi\""]"#),
      // A newline inside quotes is part of the value; the record goes on.
      ("a,b\n\"l1\nl2\",2\n3,4\n", #"a:string=["l1\nl2", "3"] b:int=[2, 4]"#),
      // CRLF line ends, and no line end after the last record.
      ("a,b\r\n1,2\r\n3,4", "a:int=[1, 3] b:int=[2, 4]"),
      // A BOM is not part of the first column's name.
      ("\u{FEFF}id,name\n1,x\n", #"id:int=[1] name:string=["x"]"#),
      // An empty field, quoted or not, is null.
      ("a,b\n1,\n,2\n\"\",3\n", "a:int=[1, null, null] b:int=[null, 2, 3]"),
      // A field of only spaces is a blank cell (null) in a typed column, and text in a string column.
      (
        "n,x,b,t,s\n1,1.5,yes,2024-06-30, \n  , ,\"  \",  ,x\n",
        #"n:int=[1, null] x:number=[1.5, null] b:bool=[true, null] t:time=[2024-06-30T00:00:00+00:00, null] s:string=[" ", "x"]"#
      ),
      // A column with no value at all is a string column.
      ("a,b\n1,\n2,\"\"\n", "a:int=[1, 2] b:string=[null, null]"),
      // Inference over the whole column, narrowest first.
      ("i,n,s\n1,1,1\n-2,2.5,abc\n+3,1e3,2\n", #"i:int=[1, -2, 3] n:number=[1, 2.5, 1000] s:string=["1", "abc", "2"]"#),
      // 0/1 columns stay int.
      ("flag\n0\n1\n1\n", "flag:int=[0, 1, 1]"),
      // Booleans: true/false, yes/no, t/f, y/n in any case, 是/否.
      (
        "b\ntrue\nFALSE\nYes\nno\nT\nf\ny\nN\n是\n否\n",
        "b:bool=[true, false, true, false, true, false, true, false, true, false]"
      ),
      // A bool column with a number in it is a string column.
      ("b\nyes\n1\n", #"b:string=["yes", "1"]"#),
      // Numbers beyond Int64 are numbers.
      ("n\n1\n9223372036854775808\n", "n:number=[1, 9.223372036854776e+18]"),
      ("n\n9223372036854775807\n-9223372036854775808\n+7\n", "n:int=[9223372036854775807, -9223372036854775808, 7]"),
      ("n\n-9223372036854775809\n", "n:number=[-9.223372036854776e+18]"),
      // Times: every written form; without an offset the session zone (UTC here) applies.
      (
        "t\n2024-06-30\n2024-06-30 12:34:56\n2024-06-30T12:34:56.5\n2024-06-30T12:34:56Z\n2024-06-30T12:34:56+08:00\n2024-06-30 12:34:56-05:30\n",
        "t:time=[2024-06-30T00:00:00+00:00, 2024-06-30T12:34:56+00:00, 2024-06-30T12:34:56.5+00:00, "
          + "2024-06-30T12:34:56+00:00, 2024-06-30T04:34:56+00:00, 2024-06-30T18:04:56+00:00]"
      ),
      // A time column with one bad date is a string column.
      ("t\n2024-06-30\n2024-02-30\n", #"t:string=["2024-06-30", "2024-02-30"]"#),
      // Chinese column names and values.
      ("店铺,客服介入\n中店,是\n\"退款, 急\",否\n", #"店铺:string=["中店", "退款, 急"] 客服介入:bool=[true, false]"#),
      // `é` and `e` + U+0301 are different values (no normalization).
      ("s\né\ne\u{301}\né\n", "s:string=[\"é\", \"e\u{301}\", \"é\"]"),
      // One column: an empty line is a null value, not a skipped row.
      ("a\n1\n\n3\n", "a:int=[1, null, 3]"),
    ]
    for (text, want) in cases {
      do {
        let ds = try load("t.csv", text)
        XCTAssertEqual(Self.show(ds), want, "loading \(text.debugDescription)")
      } catch {
        XCTFail("loading \(text.debugDescription): \(renderedErrors(error))")
      }
    }
  }

  func testDistinctSpellingsStayDistinctGroups() throws {
    let path = try writeFile(dir, "s.csv", "s,n\né,1\ne\u{301},2\né,4\n")
    let session = Session(zone: .utc)
    try session.load(name: "d", path: path)
    // Two groups by code point: "e\u{301}" (U+0065 …) sorts before "é" (U+00E9).
    let rows = try session.rows("sum(n) by s")
    XCTAssertEqual(rows.map(\.key), [[.string("e\u{301}")], [.string("é")]])
    XCTAssertEqual(rows.map(\.value), [.int(2), .int(5)])
    XCTAssertEqual(try session.scalar("count_distinct(s)"), .int(2))
    XCTAssertEqual(try session.scalar("count(d where s = \"é\")"), .int(2))
    // The same session, so any cache keyed by the formula text must not merge the two spellings either.
    XCTAssertEqual(try session.scalar("count(d where s = \"e\u{301}\")"), .int(1))
    XCTAssertEqual(try session.scalar("sum(n where s != \"e\\u{301}\")"), .int(5))
  }

  func testTimesInTheSessionZone() throws {
    let text = "t\n2024-06-30 00:30:00\n2024-06-30T00:30:00Z\n"
    let ds = try load("t.csv", text, zone: Zone("Asia/Shanghai")!)
    // Without an offset: 00:30 at +08:00 = 2024-06-29T16:30Z; with Z: itself.
    XCTAssertEqual(ds.column("t")?.vector.value(at: 0), .time(epochMicros("2024-06-29T16:30:00Z")))
    XCTAssertEqual(ds.column("t")?.vector.value(at: 1), .time(epochMicros("2024-06-30T00:30:00Z")))
  }

  func testTSVJSONLinesAndGzip() throws {
    let tsv = try load("t.tsv", "a\tb\n1\tx, y\n2\t\"q\"\"q\"\n")
    XCTAssertEqual(Self.show(tsv), #"a:int=[1, 2] b:string=["x, y", "q\"q"]"#)

    // Keys become columns as first seen; a missing key or null is null; JSON numbers and booleans keep their type.
    let jsonl = try load("t.jsonl", "{\"a\": 1, \"b\": \"x\"}\n\n{\"a\": 2.5, \"c\": true, \"b\": null}\n")
    XCTAssertEqual(Self.show(jsonl), #"a:number=[1, 2.5] b:string=["x", null] c:bool=[null, true]"#)

    let csvPath = try writeFile(dir, "g.csv", "id,shop\n1,A\n2,\"B, C\"\n")
    try gzip(csvPath)
    let gz = try DataLoader.load(name: "d", path: csvPath + ".gz", zone: .utc)
    XCTAssertEqual(Self.show(gz), #"id:int=[1, 2] shop:string=["A", "B, C"]"#)

    let tsvPath = try writeFile(dir, "g.tsv", "id\tv\n1\t2.5\n")
    try gzip(tsvPath)
    XCTAssertEqual(Self.show(try DataLoader.load(name: "d", path: tsvPath + ".gz", zone: .utc)), "id:int=[1] v:number=[2.5]")

    let jsonPath = try writeFile(dir, "g.jsonl", "{\"id\": 7}\n")
    try gzip(jsonPath)
    XCTAssertEqual(Self.show(try DataLoader.load(name: "d", path: jsonPath + ".gz", zone: .utc)), "id:int=[7]")
  }

  /// Compresses a file with the system's gzip (leaving `path.gz`), so the test does not use Tally's zlib code to write.
  func gzip(_ path: String) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["gzip", "-f", path]
    try p.run()
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, "gzip failed")
  }

  /// A malformed file is an error naming `file:line` and what is wrong, never dropped rows.
  func testMalformedFiles() throws {
    let cases: [(String, [UInt8], String)] = [
      ("count.csv", Array("a,b\n1,2\n3\n".utf8), "count.csv:3: error: row has 1 field, but the header has 2"),
      ("extra.csv", Array("a,b\n1,2\n3,4,5\n".utf8), "extra.csv:3: error: row has 3 fields, but the header has 2"),
      // The record after a quoted newline starts at line 4.
      ("after.csv", Array("a,b\n\"x\ny\",1\n2\n".utf8), "after.csv:4: error: row has 1 field, but the header has 2"),
      ("quote.csv", Array("a,b\n1,2\n3,\"x\n4,5\n".utf8), "quote.csv:3:3: error: unterminated quoted field; close it with '\"'"),
      // Columns count characters, not bytes.
      ("wide.csv", Array("a,b,c\n中文,\"x\n".utf8), "wide.csv:2:4: error: unterminated quoted field; close it with '\"'"),
      ("closing.csv", Array("a,b\r\"中\"x,1\r".utf8), "closing.csv:2:4: error: unexpected text after the closing quote of field 1"),
      ("wide8.csv", Array("a,b\n中文中文,".utf8) + [0xFF], "wide8.csv:2:6: error: invalid UTF-8"),
      ("utf8.jsonl", Array("{\"a\": 1}\n{\"a\": \"".utf8) + [0xFF] + Array("\"}\n".utf8), "utf8.jsonl:2:8: error: invalid UTF-8"),
      ("wide.jsonl", Array("{\"名\": x}\n".utf8), "wide.jsonl:1:7: error: malformed JSON line: unexpected 'x'"),
      ("empty.jsonl", Array("\n\n".utf8), "empty.jsonl:1: error: the file is empty; it needs one JSON object per line"),
      ("utf8.csv", Array("a,b\n1,x".utf8) + [0xFF] + Array("\n".utf8), "utf8.csv:2:4: error: invalid UTF-8"),
      ("utf8b.csv", Array("a\nok\n\u{4E2D}".utf8).dropLast() + [0x41], "utf8b.csv:3:1: error: invalid UTF-8"),
      ("empty.csv", [], "empty.csv:1: error: the file is empty; a header row is required"),
      ("dup.csv", Array("a,a\n1,2\n".utf8), "dup.csv:1: error: column 'a' appears twice in the header"),
      ("tab.tsv", Array("a\tb\n1\t2\t3\n".utf8), "tab.tsv:2: error: row has 3 fields, but the header has 2"),
      ("bad.jsonl", Array("{\"a\": 1}\n{\"a\": \n".utf8), "bad.jsonl:2:7: error: malformed JSON line: expected a value"),
      ("arr.jsonl", Array("[1, 2]\n".utf8), "arr.jsonl:1:1: error: malformed JSON line: not an object"),
    ]
    for (name, bytes, want) in cases {
      let path = try writeFile(dir, name, bytes: bytes)
      do {
        let ds = try DataLoader.load(name: "d", path: path, zone: .utc)
        XCTFail("\(name) loaded \(ds.rowCount) rows; expected: \(want)")
      } catch let e as TallyError {
        let first = e.diagnostics.first.map { "\($0.position): error: \($0.message)" } ?? "no diagnostic"
        // The position names the file by the path it was given.
        XCTAssertEqual(first, want.replacingOccurrences(of: name, with: path, options: .anchored), "loading \(name)")
      }
    }
    let gzPath = try writeFile(dir, "broken.csv.gz", bytes: [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02])
    XCTAssertNotNil(thrownDiagnostics { _ = try DataLoader.load(name: "d", path: gzPath, zone: .utc) })
    let missing = thrownDiagnostics {
      _ = try DataLoader.load(name: "d", path: self.dir.appendingPathComponent("ordrs.csv").path, zone: .utc)
    }
    XCTAssertTrue(missing?.contains("error: no such file") ?? false, missing ?? "no error")
  }

  /// The first megabyte settles which columns are text; a record cut at its end (in a time,
  /// or in a quoted line break) is not misread as text.
  func testTextColumnsFromTheFirstMegabyte() throws {
    var text = "id,t,note,code\n"
    var i = 0
    while text.utf8.count < (1 << 20) - 30 {
      text += "\(i),2024-06-30 12:34:56,\"a\nb\",\(i)\n"
      i += 1
    }
    for pad in 0..<24 {  // the cut falls at every place of a record
      let shifted = text.replacingOccurrences(of: "id,", with: "id" + String(repeating: "_", count: pad) + ",")
      let path = try writeFile(dir, "big\(pad).csv", shifted + "1,2024-06-30,x,A12\n")
      let sample = try XCTUnwrap(DataLoader.headerAndStrings(path: path))
      XCTAssertEqual(sample.strings, ["note"], "cut \(pad)")  // `code` turns to text only past the first megabyte
      if pad == 0 {
        let ds = try DataLoader.load(name: "d", path: path, zone: .utc)
        XCTAssertEqual(ds.column("code")?.type, .string)
        XCTAssertEqual(ds.column("t")?.type, .time)
      }
    }
  }

  /// A file loaded through a session keeps every row.
  func testNoRowIsDropped() throws {
    var text = "id,note\n"
    for i in 1...500 { text += "\(i),\(i % 7 == 0 ? "\"multi\nline, \"\"quoted\"\"\"" : i % 5 == 0 ? "" : "n\(i)")\n" }
    let ds = try load("many.csv", text)
    XCTAssertEqual(ds.rowCount, 500)
    // 500 / 5 = 100 multiples of 5, of which 500 / 35 = 14 are multiples of 7 too (and not null): 86 nulls.
    XCTAssertEqual(ds.column("note")?.vector.nullCount, 86)
    XCTAssertEqual(ds.column("note")?.vector.value(at: 6), .string("multi\nline, \"quoted\""))
  }
}
