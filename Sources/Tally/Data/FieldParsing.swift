import Foundation

@inline(__always) func trim(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> (Int, Int) {
  var s = s0
  var e = e0
  while s < e, p[s] == 32 { s += 1 }
  while e > s, p[e - 1] == 32 { e -= 1 }
  return (s, e)
}

/// An integer: optional sign and digits, within Int64.
func parseInt(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> Int64? {
  let (s1, e) = trim(p, s0, e0)
  var s = s1
  guard s < e else { return nil }
  var neg = false
  if p[s] == 45 || p[s] == 43 {
    neg = p[s] == 45
    s += 1
  }
  guard s < e, e - s <= 19 else { return nil }
  // Accumulated negatively, so that the smallest Int64 (whose magnitude has no positive) fits.
  var v: Int64 = 0
  for k in s..<e {
    let c = p[k]
    guard c >= 48 && c <= 57 else { return nil }
    let (m, o1) = v.multipliedReportingOverflow(by: 10)
    let (a, o2) = m.subtractingReportingOverflow(Int64(c - 48))
    if o1 || o2 { return nil }
    v = a
  }
  if neg { return v }
  return v == .min ? nil : -v
}

private let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

/// A decimal number: sign, digits, optional fraction and exponent. No `inf`, `nan` or hex.
func parseDouble(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> Double? {
  let (s1, e) = trim(p, s0, e0)
  var i = s1
  guard i < e else { return nil }
  var neg = false
  if p[i] == 45 || p[i] == 43 {
    neg = p[i] == 45
    i += 1
  }
  var mantissa: UInt64 = 0
  var digits = 0
  var fracDigits = 0
  var anyDigit = false
  while i < e, p[i] >= 48 && p[i] <= 57 {
    if digits < 19 { mantissa = mantissa * 10 + UInt64(p[i] - 48) } else { fracDigits -= 1 }
    if mantissa > 0 { digits += 1 }
    anyDigit = true
    i += 1
  }
  if i < e, p[i] == 46 {
    i += 1
    while i < e, p[i] >= 48 && p[i] <= 57 {
      if digits < 19 {
        mantissa = mantissa * 10 + UInt64(p[i] - 48)
        fracDigits += 1
        if mantissa > 0 { digits += 1 }
      }
      anyDigit = true
      i += 1
    }
  }
  guard anyDigit else { return nil }
  var exp = 0
  if i < e, p[i] == 101 || p[i] == 69 {
    i += 1
    var eneg = false
    if i < e, p[i] == 45 || p[i] == 43 {
      eneg = p[i] == 45
      i += 1
    }
    guard i < e else { return nil }
    while i < e, p[i] >= 48 && p[i] <= 57 {
      if exp < 10000 { exp = exp * 10 + Int(p[i] - 48) }
      i += 1
    }
    if eneg { exp = -exp }
  }
  guard i == e else { return nil }
  let e10 = exp - fracDigits
  if digits <= 15, abs(e10) <= 22 {
    var v = Double(mantissa)
    v = e10 < 0 ? v / powersOfTen[-e10] : v * powersOfTen[e10]
    return neg ? -v : v
  }
  let text = String(decoding: UnsafeBufferPointer(rebasing: p[s1..<e]), as: UTF8.self)
  guard let v = Double(text), v.isFinite else { return nil }
  return v
}

/// true/false, yes/no, t/f, y/n in any case, 是/否.
func parseBool(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> Bool? {
  let (s, e) = trim(p, s0, e0)
  let n = e - s
  if n == 3, p[s] == 0xE6, p[s + 1] == 0x98, p[s + 2] == 0xAF { return true }  // 是
  if n == 3, p[s] == 0xE5, p[s + 1] == 0x90, p[s + 2] == 0xA6 { return false }  // 否
  guard n >= 1, n <= 5 else { return nil }
  var w: UInt64 = 0
  for k in s..<e {
    var c = p[k]
    if c >= 65 && c <= 90 { c += 32 }
    w = w << 8 | UInt64(c)
  }
  switch w {
  case 0x7472_7565, 0x7965_73, 0x74, 0x79: return true  // true yes t y
  case 0x66_616C_7365, 0x6E6F, 0x66, 0x6E: return false  // false no f n
  default: return nil
  }
}

@inline(__always) func trimmedTime(_ p: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> TimeText? {
  let (s, e) = trim(p, s0, e0)
  guard e - s >= 10, p[s] >= 48 && p[s] <= 57 else { return nil }
  return parseTimeBytes(p, s, e)
}
