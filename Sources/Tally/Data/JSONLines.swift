import Foundation

/// JSON Lines: one object per line; keys become columns in the order they first appear; values
/// are typed by the same inference as CSV text (JSON numbers and booleans by their text).
enum JSONLinesReader {
  static func read(name: String, path: String, bytes: [UInt8], zone: Zone) throws -> Dataset {
    var start = 0
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
    if let bad = bytes.withUnsafeBufferPointer({ p in firstInvalidUTF8(p, from: start).map { lineAndColumn(p, $0) } }) {
      throw TallyError(.dataError(DataMessage.badUTF8, file: path, line: bad.line, column: bad.column, notes: ["save the file as UTF-8"]))
    }
    var names: [String] = []
    var index: [String: Int] = [:]
    var rows: [[Int: String]] = []
    var rowLines: [Int] = []
    var line = 0
    var i = start
    while i < bytes.count {
      line += 1
      if line & 0xFFFF == 0 { try Interruption.check() }
      var j = i
      while j < bytes.count, bytes[j] != 10 { j += 1 }
      let slice = bytes[i..<j]
      i = j + 1
      if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
      let fields: [(String, String?)]
      do {
        fields = try Array(slice).withUnsafeBufferPointer { try JSONObjectScanner.fields($0) }
      } catch let e as JSONObjectScanner.Failure {
        let column = String(decoding: slice.prefix(e.offset), as: UTF8.self).count + 1
        throw TallyError(
          .dataError(
            DataMessage.badJSONLine(e.reason), file: path, line: line, column: column,
            notes: ["each line must hold one JSON object, as {\"id\": 1}"]))
      }
      var row: [Int: String] = [:]
      var seenNull = Set<Int>()
      for (key, text) in fields {
        let k: Int
        if let existing = index[key] {
          k = existing
          guard row[k] == nil, !seenNull.contains(k) else {
            throw TallyError(
              .dataError(
                DataMessage.duplicateKey(key), file: path, line: line,
                notes: ["a line's object names each key once, as a CSV header names each column once"]))
          }
        } else {
          k = names.count
          names.append(key)
          index[key] = k
        }
        if text == nil { seenNull.insert(k) }
        row[k] = text
      }
      rows.append(row)
      rowLines.append(line)
    }
    if names.isEmpty && rows.isEmpty { throw TallyError(.dataError(DataMessage.emptyJSONLines, file: path, line: 1)) }
    var inferrers = [TypeInferrer](repeating: TypeInferrer(), count: names.count)
    for (r, row) in rows.enumerated() {
      for (k, text) in row {
        var t = text
        t.withUTF8 { inferrers[k].observe($0, 0, $0.count, line: rowLines[r]) }
      }
    }
    var builders = inferrers.map { ColumnBuilder(type: $0.type, zone: zone, capacity: rows.count) }
    for row in rows {
      for k in 0..<names.count {
        if var t = row[k], !t.isEmpty {
          t.withUTF8 { builders[k].append($0, 0, $0.count) }
        } else {
          builders[k].appendNull()
        }
      }
    }
    let cols = names.indices.map { k in
      Column(name: names[k], vector: builders[k].finish(), textOrigin: builders[k].type == .string ? inferrers[k].textAt : nil)
    }
    var ds = Dataset(name: name, path: path, columns: cols, rowCount: rows.count)
    for (r, l) in rowLines.enumerated() { ds.rowLines.record(row: r, line: l) }
    return ds
  }
}

/// Reads one JSON object's members in order: scalars as text (strings unescaped, numbers and
/// booleans as written, null as nil), nested arrays and objects as their JSON text.
struct JSONObjectScanner {
  struct Failure: Error {
    var reason: String
    var offset: Int
  }

  let p: UnsafeBufferPointer<UInt8>
  var i = 0
  var n: Int { p.count }

  /// The members of the object on a line.
  static func fields(_ p: UnsafeBufferPointer<UInt8>) throws -> [(String, String?)] {
    var s = JSONObjectScanner(p: p)
    return try s.object()
  }

  func fail(_ why: String) -> Failure { Failure(reason: why, offset: min(i, n)) }

  mutating func space() { while i < n, p[i] == 32 || p[i] == 9 || p[i] == 13 { i += 1 } }

  /// object -> '{' [ string ':' value { ',' string ':' value } ] '}', alone on the line
  mutating func object() throws -> [(String, String?)] {
    space()
    guard i < n, p[i] == 123 else { throw fail("not an object") }
    i += 1
    var out: [(String, String?)] = []
    space()
    if i < n, p[i] == 125 {
      i += 1
    } else {
      while true {
        space()
        let key = try string()
        space()
        guard i < n, p[i] == 58 else { throw fail("expected ':'") }
        i += 1
        out.append((key, try value()))
        space()
        guard i < n else { throw fail("unclosed object") }
        if p[i] == 44 {
          i += 1
          continue
        }
        guard p[i] == 125 else { throw fail("expected ',' or '}'") }
        i += 1
        break
      }
    }
    space()
    guard i == n else { throw fail("text after the object") }
    return out
  }

  /// A string, unescaped.
  mutating func string() throws -> String {
    guard i < n, p[i] == 34 else { throw fail("expected a string") }
    let open = i
    i += 1
    var out: [UInt8] = []
    while i < n, p[i] != 34 {
      guard p[i] == 92 else {
        out.append(p[i])
        i += 1
        continue
      }
      i += 1
      guard i < n else { break }
      switch p[i] {
      case 110: out.append(10)
      case 116: out.append(9)
      case 114: out.append(13)
      case 98: out.append(8)
      case 102: out.append(12)
      case 117:
        var v = try hex4()
        if v >= 0xD800 && v < 0xDC00, i + 2 < n, p[i + 1] == 92, p[i + 2] == 117 {
          i += 2
          let lo = try hex4()
          // A high surrogate pairs only with a low one; anything else is not a character.
          v = (0xDC00...0xDFFF).contains(lo) ? 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00) : 0xFFFD
        }
        out += Array(String(Unicode.Scalar(v).map(Character.init) ?? "\u{FFFD}").utf8)
      default: out.append(p[i])  // \" \\ \/
      }
      i += 1
    }
    guard i < n else { throw Failure(reason: "unterminated string", offset: open) }
    i += 1
    return String(decoding: out, as: UTF8.self)
  }

  /// The four hex digits after `\u`.
  mutating func hex4() throws -> UInt32 {
    guard i + 4 < n, let v = UInt32(String(decoding: UnsafeBufferPointer(rebasing: p[(i + 1)...(i + 4)]), as: UTF8.self), radix: 16)
    else { throw fail("bad \\u escape") }
    i += 4
    return v
  }

  /// A member's value: a string, nested JSON kept as its text, a number or a boolean as
  /// written, or nil for null.
  mutating func value() throws -> String? {
    space()
    guard i < n else { throw fail("expected a value") }
    switch p[i] {
    case 34: return try string()
    case 123, 91: return try nested()
    default:
      let start = i
      while i < n, p[i] != 44, p[i] != 125, p[i] != 32, p[i] != 9, p[i] != 13 { i += 1 }
      let word = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
      if word == "null" { return nil }
      if word == "true" || word == "false" { return word }
      guard word.first.map({ $0 == "-" || $0.isNumber }) == true, Double(word) != nil else {
        i = start
        throw fail("unexpected '\(word.prefix(20))'")
      }
      return word
    }
  }

  /// A nested array or object, as its JSON text.
  mutating func nested() throws -> String {
    let start = i
    var depth = 0
    var inString = false
    while i < n {
      let c = p[i]
      if inString {
        if c == 92 { i += 1 } else if c == 34 { inString = false }
      } else if c == 34 {
        inString = true
      } else if c == 123 || c == 91 {
        depth += 1
      } else if c == 125 || c == 93 {
        depth -= 1
        if depth == 0 {
          i += 1
          return String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
        }
      }
      i += 1
    }
    throw fail("unclosed array or object")
  }
}
