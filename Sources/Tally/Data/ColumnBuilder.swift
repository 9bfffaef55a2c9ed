import Foundation

/// Builds one typed column from field bytes, once its type is known.
struct ColumnBuilder {
  let zone: Zone
  var values: VectorBuilder
  var type: ValueType { values.type }

  init(type: ValueType, zone: Zone, capacity: Int) {
    self.zone = zone
    values = VectorBuilder(type: type, capacity: capacity)
  }

  mutating func appendNull() { values.appendNull() }

  /// Appends a field's value. In a typed column a field that does not parse is one of only
  /// spaces (inference saw every other), and is null.
  mutating func append(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
    if s == e { return values.appendNull() }
    switch type {
    case .int:
      guard let v = parseInt(p, s, e) else { return values.appendNull() }
      values.ints.append(v)
    case .number:
      guard let v = parseDouble(p, s, e) else { return values.appendNull() }
      values.numbers.append(v)
    case .bool:
      guard let v = parseBool(p, s, e) else { return values.appendNull() }
      values.bools.append(v)
    case .time:
      guard let v = trimmedTime(p, s, e) else { return values.appendNull() }
      values.ints.append(zone.instant(v))
    case .string, .null, .duration: values.codes.append(values.strings.code(p, s, e))
    }
    values.valid.append(true)
  }

  func finish() -> Vector { values.finish() }
}
