import Foundation

/// Builds a typed vector value by value: the results of row formulas, constants, and (through
/// `ColumnBuilder`) the columns of data files.
struct VectorBuilder {
  let type: ValueType
  var ints: [Int64] = []
  var numbers: [Double] = []
  var bools: [Bool] = []
  var codes: [Int32] = []
  var strings = ByteDictionary()
  var dictionary: [String] { strings.strings }
  var valid: [Bool] = []
  var anyNull = false

  init(type: ValueType, capacity: Int) {
    self.type = type
    valid.reserveCapacity(capacity)
    switch type {
    case .int, .time, .duration: ints.reserveCapacity(capacity)
    case .number: numbers.reserveCapacity(capacity)
    case .string: codes.reserveCapacity(capacity)
    default: break
    }
  }

  mutating func appendNull() {
    anyNull = true
    valid.append(false)
    switch type {
    case .int, .time, .duration: ints.append(0)
    case .number: numbers.append(0)
    case .bool: bools.append(false)
    case .string, .null: codes.append(0)
    }
  }

  /// Appends a string (its dictionary code).
  mutating func appendString(_ str: String) {
    var s = str
    s.withUTF8 { codes.append(strings.code($0, 0, $0.count)) }
  }

  /// Appends a boxed value (row-by-row evaluation, constants).
  mutating func append(_ v: Value) {
    if v.isNull { return appendNull() }
    valid.append(true)
    switch (type, v) {
    case (.int, .int(let x)), (.time, .time(let x)), (.duration, .duration(let x)): ints.append(x)
    case (.int, _), (.time, _), (.duration, _): ints.append(v.double.flatMap { Int64(exactly: $0.rounded()) } ?? 0)
    case (.number, _): numbers.append(v.double ?? 0)
    case (.bool, .bool(let b)): bools.append(b)
    case (.bool, _): bools.append(false)
    case (.string, .string(let s)), (.null, .string(let s)): appendString(s)
    case (.string, _), (.null, _): appendString(v.description)
    }
  }

  /// Appends the values of another builder of the same type (a part of the same column).
  mutating func append(contentsOf other: VectorBuilder) {
    valid += other.valid
    anyNull = anyNull || other.anyNull
    switch type {
    case .int, .time, .duration: ints += other.ints
    case .number: numbers += other.numbers
    case .bool: bools += other.bools
    case .string, .null:
      let codeOf = strings.merge(other.strings)
      codes.reserveCapacity(codes.count + other.codes.count)
      // A null's code (0) means nothing, even where the other part has no strings.
      for c in other.codes { codes.append(codeOf.isEmpty ? 0 : codeOf[Int(c)]) }
    }
  }

  /// The vector built.
  func finish() -> Vector {
    let data: ColumnData
    switch type {
    case .int: data = .int(ints)
    case .number: data = .number(numbers)
    case .bool: data = .bool(Bitmap(bools))
    case .time: data = .time(ints)
    case .duration: data = .duration(ints)
    case .string, .null: data = .string(codes: codes, dictionary: dictionary)
    }
    return Vector(type: type == .null ? .string : type, data: data, valid: anyNull ? Bitmap(valid) : nil)
  }
}
