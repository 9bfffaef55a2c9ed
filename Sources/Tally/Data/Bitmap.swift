import Foundation

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

  /// A bitmap of `count` bits from its words (bits past `count` clear).
  init(words: [UInt64], count: Int) {
    self.words = words
    self.count = count
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
