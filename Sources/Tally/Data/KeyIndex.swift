import Foundation

/// The rows of a dataset by the value of one key column, whose non-null values are unique: what
/// a link reads (section 9). Built once per dataset and key; a lookup probes it once per
/// distinct string, or once per row for other types, and yields an index vector.
public struct KeyIndex: Sendable {
  /// Rows by string key.
  private var strings: [String: Int32] = [:]
  /// Rows by integer-like key: ints, times, booleans as 0 and 1.
  private var integers: [Int64: Int32] = [:]

  /// Two rows that share a key, and the key.
  public struct Repeat: Error, Sendable {
    public var first: Int
    public var second: Int
    public var value: Value
  }

  /// The index of a key column; the first two rows that share a value when it is not unique.
  public static func build(_ v: Vector) -> Result<KeyIndex, Repeat> {
    var k = KeyIndex()
    switch v.data {
    case .string(let codes, let dict):
      var rowOfCode = [Int32](repeating: -1, count: dict.count)
      for i in 0..<codes.count where v.isValid(i) {
        let c = Int(codes[i])
        if rowOfCode[c] >= 0 { return .failure(Repeat(first: Int(rowOfCode[c]), second: i, value: .string(dict[c]))) }
        rowOfCode[c] = Int32(i)
      }
      k.strings.reserveCapacity(dict.count)
      for (c, row) in rowOfCode.enumerated() where row >= 0 {
        if let other = k.strings[dict[c]] {  // one string under two codes
          return .failure(Repeat(first: Int(min(other, row)), second: Int(max(other, row)), value: .string(dict[c])))
        }
        k.strings[dict[c]] = row
      }
    case .int(let a), .time(let a), .duration(let a):
      k.integers.reserveCapacity(a.count)
      for i in 0..<a.count where v.isValid(i) {
        if let first = k.integers.updateValue(Int32(i), forKey: a[i]) {
          return .failure(Repeat(first: Int(first), second: i, value: v.value(at: i)))
        }
      }
    case .bool(let b):
      for i in 0..<b.count where v.isValid(i) {
        if let first = k.integers.updateValue(Int32(i), forKey: b[i] ? 1 : 0) {
          return .failure(Repeat(first: Int(first), second: i, value: .bool(b[i])))
        }
      }
    case .number:
      break  // a link's key is never a number: the checker refuses it
    }
    return .success(k)
  }

  /// For each row of a referring column, the row with that key, or -1 (a null, or no such key).
  public func rows(for v: Vector) -> [Int32] {
    var out = [Int32](repeating: -1, count: v.count)
    switch v.data {
    case .string(let codes, let dict):
      let byCode = dict.map { strings[$0] ?? -1 }  // once per distinct string
      for i in 0..<codes.count where v.isValid(i) { out[i] = byCode[Int(codes[i])] }
    case .int(let a), .time(let a), .duration(let a):
      for i in 0..<a.count where v.isValid(i) { out[i] = integers[a[i]] ?? -1 }
    case .bool(let b):
      for i in 0..<b.count where v.isValid(i) { out[i] = integers[b[i] ? 1 : 0] ?? -1 }
    case .number:
      break
    }
    return out
  }
}

extension Vector {
  /// The values at `rows` (-1 gives null): a lookup's column, one gather per column.
  public func gathered(_ rows: [Int32]) -> Vector {
    var valid = Bitmap(count: rows.count, value: true)
    var anyNull = false
    for (i, r) in rows.enumerated() where r < 0 || !isValid(Int(r)) {
      valid[i] = false
      anyNull = true
    }
    func gather<T>(_ a: [T], _ zero: T) -> [T] { rows.map { $0 < 0 ? zero : a[Int($0)] } }
    let data: ColumnData
    switch self.data {
    case .int(let a): data = .int(gather(a, 0))
    case .time(let a): data = .time(gather(a, 0))
    case .duration(let a): data = .duration(gather(a, 0))
    case .number(let a): data = .number(gather(a, 0))
    case .string(let codes, let dict):
      // An empty dictionary has no code 0 to stand in for a missing row: add one.
      let d = dict.isEmpty ? [""] : dict
      data = .string(codes: gather(codes, 0), dictionary: d)
    case .bool(let b):
      var out = Bitmap(count: rows.count, value: false)
      for (i, r) in rows.enumerated() where r >= 0 && b[Int(r)] { out[i] = true }
      data = .bool(out)
    }
    return Vector(type: type, data: data, valid: anyNull ? valid : nil)
  }
}
