import Foundation

/// The offset of the first byte that is not valid UTF-8, if any.
func firstInvalidUTF8(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
  var i = start
  let n = p.count
  while i < n {
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
