import Foundation

/// The type of a column or a value.
public enum ValueType: String, Sendable, Hashable, CustomStringConvertible {
  case int, number, bool, string, time, duration
  /// The type of a bare `null`: fits anywhere.
  case null

  /// The type with its article (`an int`, `a time`), for messages.
  public var description: String {
    switch self {
    case .int: return "an int"
    case .number: return "a number"
    case .bool: return "a bool"
    case .string: return "a string"
    case .time: return "a time"
    case .duration: return "a duration"
    case .null: return "null"
    }
  }
  var isNumeric: Bool { self == .int || self == .number }
}

/// A fixed-size bit set: null masks and boolean columns.
public struct Bitmap: Sendable, Equatable {
  /// The bits, 64 per word: bit i is bit `i % 64` of `words[i / 64]`.
  public private(set) var words: [UInt64]
  /// The number of bits.
  public let count: Int

  /// All bits set to `value`.
  public init(count: Int, value: Bool) {
    self.count = count
    words = [UInt64](repeating: value ? ~0 : 0, count: (count + 63) / 64)
    if value, count % 64 != 0, !words.isEmpty { words[words.count - 1] = (1 << UInt64(count % 64)) - 1 }
  }

  /// A bitmap with bit i set when `bits[i]` is true.
  public init(_ bits: [Bool]) {
    self.init(count: bits.count, value: false)
    for (i, b) in bits.enumerated() where b { self[i] = true }
  }

  /// Whether bit `i` is set.
  @inline(__always) public subscript(i: Int) -> Bool {
    get { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    set {
      if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
    }
  }

  /// Number of set bits.
  public var popcount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

  /// Bitwise and.
  public static func & (a: Bitmap, b: Bitmap) -> Bitmap {
    var r = a
    for i in 0..<r.words.count { r.words[i] &= b.words[i] }
    return r
  }
  /// Bitwise or.
  public static func | (a: Bitmap, b: Bitmap) -> Bitmap {
    var r = a
    for i in 0..<r.words.count { r.words[i] |= b.words[i] }
    return r
  }
  /// Bits set in `a` and not in `b`.
  public static func andNot(_ a: Bitmap, _ b: Bitmap) -> Bitmap {
    var r = a
    for i in 0..<r.words.count { r.words[i] &= ~b.words[i] }
    return r
  }
  mutating func formAnd(_ b: Bitmap) {
    for i in 0..<words.count { words[i] &= b.words[i] }
  }

  /// Calls `body` with the index of every set bit, in order.
  @inline(__always) public func forEachSet(_ body: (Int) -> Void) {
    for (w, word0) in words.enumerated() {
      var word = word0
      while word != 0 {
        let b = word.trailingZeroBitCount
        body(w << 6 | b)
        word &= word - 1
      }
    }
  }
}

/// A column's values: one contiguous typed buffer.
public enum ColumnData: Sendable {
  case int([Int64])
  case number([Double])
  case bool(Bitmap)
  /// Dictionary-coded strings: `codes[i]` indexes `dictionary`.
  case string(codes: [Int32], dictionary: [String])
  /// Microseconds since 1970-01-01T00:00:00Z.
  case time([Int64])
  /// Microseconds.
  case duration([Int64])

  var count: Int {
    switch self {
    case .int(let a), .time(let a), .duration(let a): return a.count
    case .number(let a): return a.count
    case .bool(let b): return b.count
    case .string(let c, _): return c.count
    }
  }
}

/// A typed vector of values with a validity mask: a loaded column or the result of a row expression.
public struct Vector: Sendable {
  /// The type of its values.
  public var type: ValueType
  /// The values, one slot per row, null rows included (see `valid`).
  public var data: ColumnData
  /// Bit i is set when row i is not null; nil when no value is null.
  public var valid: Bitmap?

  /// The number of rows.
  public var count: Int { data.count }

  /// True when row `i` is not null.
  @inline(__always) public func isValid(_ i: Int) -> Bool { valid?[i] ?? true }

  /// The value at row `i`, boxed (for output and tests, not hot loops).
  public func value(at i: Int) -> Value {
    guard isValid(i) else { return .null }
    switch data {
    case .int(let a): return .int(a[i])
    case .number(let a): return .number(a[i])
    case .bool(let b): return .bool(b[i])
    case .string(let codes, let dict): return .string(dict[Int(codes[i])])
    case .time(let a): return .time(a[i])
    case .duration(let a): return .duration(a[i])
    }
  }

  /// Number of null values.
  public var nullCount: Int { valid.map { count - $0.popcount } ?? 0 }
}

/// A named column of a dataset.
public struct Column: Sendable {
  /// The name formulas use.
  public var name: String
  /// Its values and null mask.
  public var vector: Vector
  /// The type of its values.
  public var type: ValueType { vector.type }
}

/// A loaded table: named typed columns of equal length.
public struct Dataset: Sendable {
  /// The name formulas use.
  public var name: String
  /// Where it was loaded from.
  public var path: String
  /// The columns, in file order.
  public var columns: [Column]
  /// The number of rows (every column's length).
  public var rowCount: Int
  private var index: [String: Int]

  /// A dataset from columns of `rowCount` values each.
  public init(name: String, path: String, columns: [Column], rowCount: Int) {
    self.name = name
    self.path = path
    self.columns = columns
    self.rowCount = rowCount
    var idx: [String: Int] = [:]
    for (i, c) in columns.enumerated() { idx[c.name] = i }
    index = idx
  }

  /// The column with a name.
  public func column(_ name: String) -> Column? { index[name].map { columns[$0] } }

  /// The column names, in file order.
  public var columnNames: [String] { columns.map(\.name) }

  /// The time column by the contract's rule: the only `time` column, else the first of
  /// `time`, `timestamp`, `created_at`, `date` that is a `time` column.
  public var defaultTimeColumn: String? {
    let times = columns.filter { $0.type == .time }
    if times.count == 1 { return times[0].name }
    for n in ["time", "timestamp", "created_at", "date"] where column(n)?.type == .time { return n }
    return nil
  }
}

/// A single value: an evaluation result, a literal, a group key.
public enum Value: Hashable, Sendable, CustomStringConvertible {
  case null
  case int(Int64)
  case number(Double)
  case bool(Bool)
  case string(String)
  /// Microseconds since the epoch.
  case time(Int64)
  /// Microseconds.
  case duration(Int64)

  /// True for `null`.
  public var isNull: Bool { if case .null = self { return true } else { return false } }

  /// Strings are equal only with the same code points (no normalization), unlike Swift's `String`.
  public static func == (a: Value, b: Value) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.int(let x), .int(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.bool(let x), .bool(let y)): return x == y
    case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
    case (.time(let x), .time(let y)): return x == y
    case (.duration(let x), .duration(let y)): return x == y
    default: return false
    }
  }

  /// Hashes strings by code point, consistent with `==`.
  public func hash(into h: inout Hasher) {
    switch self {
    case .null: h.combine(0)
    case .int(let x), .time(let x), .duration(let x): h.combine(x)
    case .number(let x): h.combine(x)
    case .bool(let x): h.combine(x)
    case .string(let x): h.combine(ExactString(x))
    }
  }

  /// The value as a Double, for numbers and ints.
  public var double: Double? {
    switch self {
    case .int(let v): return Double(v)
    case .number(let v): return v
    default: return nil
    }
  }

  /// Plain text: strings unquoted, times in ISO 8601 UTC, durations in seconds (`90s`).
  public var description: String {
    switch self {
    case .null: return "null"
    case .int(let v): return String(v)
    case .number(let v): return formatNumber(v)
    case .bool(let b): return String(b)
    case .string(let s): return s
    case .time(let t): return Zone.utc.iso(t)
    case .duration(let d): return "\(formatNumber(Double(d) / 1e6))s"
    }
  }

  /// Order for sorting group keys: numbers and times by value, strings by code point, null last.
  static func keyLess(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.null, _): return false
    case (_, .null): return true
    case (.string(let x), .string(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
    case (.bool(let x), .bool(let y)): return !x && y
    case (.int(let x), .int(let y)), (.time(let x), .time(let y)), (.duration(let x), .duration(let y)): return x < y
    default:
      if let x = a.double, let y = b.double { return x < y }
      return a.description < b.description
    }
  }
}

/// A string that equals another only with the same code points (Swift's `String` equality
/// would merge canonically equivalent strings, such as `é` and `e\u{301}`).
struct ExactString: Hashable {
  let string: String
  init(_ s: String) { string = s }
  static func == (a: ExactString, b: ExactString) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }
  func hash(into h: inout Hasher) {
    var s = string
    s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}
