import Foundation

/// Receives the fields of a CSV scan.
protocol FieldSink {
  /// A record starts at this line and byte offset.
  mutating func startRecord(line: Int, offset: Int)
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool)
  mutating func endRecord()
}

extension FieldSink {
  mutating func startRecord(line: Int, offset: Int) {}
}

/// Infers a column's type from its values, narrowest first: int, number, bool, time, else string.
struct TypeInferrer {
  var canInt = true, canNumber = true, canBool = true, canTime = true
  var nonNull = 0
  /// The first value that no narrower type reads, and its line: why the column is text.
  var textAt: TextOrigin?

  mutating func observe(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, line: Int) {
    if s == e { return }
    // Only spaces: null in a typed column (a blank cell), text in a string column.
    if p[s] == 32, trim(p, s, e).0 == e { return }
    nonNull += 1
    guard canInt || canNumber || canBool || canTime else { return }
    if canInt, parseInt(p, s, e) == nil { canInt = false }
    if !canInt, canNumber, parseDouble(p, s, e) == nil { canNumber = false }
    if canBool, parseBool(p, s, e) == nil { canBool = false }
    if canTime, trimmedTime(p, s, e) == nil { canTime = false }
    if !(canInt || canNumber || canBool || canTime) {
      textAt = TextOrigin(
        value: String(decoding: UnsafeBufferPointer(rebasing: p[s..<min(e, s + 80)]), as: UTF8.self), line: line, after: nonNull - 1)
    }
  }

  var type: ValueType {
    if nonNull == 0 { return .string }
    if canInt { return .int }
    if canNumber { return .number }
    if canBool { return .bool }
    if canTime { return .time }
    return .string
  }
}
