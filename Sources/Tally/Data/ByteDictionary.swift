import Foundation

/// Dictionary codes for strings, keyed by their UTF-8 bytes (so equal means the same code
/// points, with no normalization); a Swift `String` is made once per distinct value.
struct ByteDictionary {
  private(set) var strings: [String] = []
  private var arena: [UInt8] = []
  private var starts: [Int] = [0]
  private var hashes: [UInt64] = []
  private var slots = [Int32](repeating: -1, count: 64)

  @inline(__always) private static func hash(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for i in s..<e { h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3 }
    return h
  }

  /// The code of the string in `p[s..<e]`, adding it when new (as `string`, when it is given).
  mutating func code(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, string: String? = nil) -> Int32 {
    let h = ByteDictionary.hash(p, s, e)
    let mask = slots.count - 1
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let c = slots[i]
      if c < 0 { break }
      let k = Int(c)
      if hashes[k] == h, starts[k + 1] - starts[k] == e - s,
        arena.withUnsafeBufferPointer({ a in memcmp(a.baseAddress! + starts[k], p.baseAddress! + s, e - s) == 0 })
      {
        return c
      }
      i = (i + 1) & mask
    }
    let c = Int32(strings.count)
    strings.append(string ?? String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self))
    arena.append(contentsOf: UnsafeBufferPointer(rebasing: p[s..<e]))
    starts.append(arena.count)
    hashes.append(h)
    slots[i] = c
    if strings.count * 2 > slots.count { grow() }
    return c
  }

  /// Adds another dictionary's strings; returns the code here of each of its codes.
  mutating func merge(_ other: ByteDictionary) -> [Int32] {
    other.arena.withUnsafeBufferPointer { a in
      (0..<other.strings.count).map { k in code(a, other.starts[k], other.starts[k + 1], string: other.strings[k]) }
    }
  }

  private mutating func grow() {
    slots = [Int32](repeating: -1, count: slots.count * 2)
    let mask = slots.count - 1
    for (k, h) in hashes.enumerated() {
      var i = Int(truncatingIfNeeded: h) & mask
      while slots[i] >= 0 { i = (i + 1) & mask }
      slots[i] = Int32(k)
    }
  }
}
