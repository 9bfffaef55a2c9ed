import Foundation

/// Receives the fields of a CSV scan.
protocol FieldSink {
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool)
  mutating func endRecord()
}

/// Infers a column's type from its values, narrowest first: int, number, bool, time, else string.
struct TypeInferrer {
  var canInt = true, canNumber = true, canBool = true, canTime = true
  var nonNull = 0

  mutating func observe(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
    if s == e { return }
    // Only spaces: null in a typed column (a blank cell), text in a string column.
    if p[s] == 32, trim(p, s, e).0 == e { return }
    nonNull += 1
    guard canInt || canNumber || canBool || canTime else { return }
    if canInt, parseInt(p, s, e) == nil { canInt = false }
    if !canInt, canNumber, parseDouble(p, s, e) == nil { canNumber = false }
    if canBool, parseBool(p, s, e) == nil { canBool = false }
    if canTime, trimmedTime(p, s, e) == nil { canTime = false }
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
