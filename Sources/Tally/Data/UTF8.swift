import Foundation

/// The offset of the first byte that is not valid UTF-8, if any: a big buffer is checked in
/// parts, one per core, each from a character's first byte.
func firstInvalidUTF8(
  _ p: UnsafeBufferPointer<UInt8>, from start: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount, partBytes: Int = 8 << 20
) -> Int? {
  let count = max(1, min(threads, (p.count - start) / partBytes))
  guard count > 1 else { return firstInvalidUTF8(p, from: start, to: p.count) }
  // Part k starts at the first byte at or after its share that is not a continuation byte
  // (at most three on), so that every character is checked by the part it starts in.
  var starts = [start]
  for k in 1..<count {
    var s = start + (p.count - start) * k / count
    var skipped = 0
    while s < p.count, skipped < 3, p[s] & 0xC0 == 0x80 {
      s += 1
      skipped += 1
    }
    starts.append(max(s, starts[k - 1]))
  }
  starts.append(p.count)
  let edges = starts
  let found = Parts<Int?>(count: count)
  let bytes = Shared(p)
  DispatchQueue.concurrentPerform(iterations: count) { k in
    found.set(k) { firstInvalidUTF8(bytes.value, from: edges[k], to: edges[k + 1]) }
  }
  for k in 0..<count {
    if let at = try? found.get(k) { return at }
  }
  return nil
}

/// The offset of the first byte that is not valid UTF-8 among the characters that start in
/// `start..<end` (the last may end past `end`).
func firstInvalidUTF8(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
  var i = start
  let n = p.count
  while i < end {
    // Eight ASCII bytes at a time.
    if i + 8 <= n, UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
      i += 8
      continue
    }
    let c = p[i]
    if c < 0x80 {
      i += 1
      continue
    }
    var need = 0
    var minValue: UInt32 = 0
    var v: UInt32
    if c & 0xE0 == 0xC0 {
      need = 1
      v = UInt32(c & 0x1F)
      minValue = 0x80
    } else if c & 0xF0 == 0xE0 {
      need = 2
      v = UInt32(c & 0x0F)
      minValue = 0x800
    } else if c & 0xF8 == 0xF0 {
      need = 3
      v = UInt32(c & 0x07)
      minValue = 0x10000
    } else {
      return i
    }
    for k in 1...need {
      guard i + k < n, p[i + k] & 0xC0 == 0x80 else { return i }
      v = v << 6 | UInt32(p[i + k] & 0x3F)
    }
    if v < minValue || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { return i }
    i += need + 1
  }
  return nil
}
