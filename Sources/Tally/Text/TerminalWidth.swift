import Foundation

/// Terminal columns a string takes: a CJK character or an emoji counts two, a combining mark
/// or a variation selector none.
func terminalWidth(of s: String) -> Int {
  s.unicodeScalars.reduce(0) { w, u in w + scalarWidth(u) }
}

@inline(__always) private func scalarWidth(_ u: Unicode.Scalar) -> Int {
  let v = u.value
  if v < 0x300 { return 1 }
  if u.properties.generalCategory == .nonspacingMark || v == 0x200D || (0xFE00...0xFE0F).contains(v) { return 0 }
  let wide =
    (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
    || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
    || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
  return wide ? 2 : 1
}

/// Whether a scalar must not reach a terminal as itself: a control character (line breaks and
/// tabs included), or an invisible format character such as a bidirectional override.
@inline(__always) private func isInvisible(_ u: Unicode.Scalar) -> Bool {
  let v = u.value
  if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
  if v < 0x200B { return false }
  return u.properties.generalCategory == .format && v != 0x200D || v == 0x2028 || v == 0x2029
}

/// The text with every invisible scalar written as an escape: `\n`, `\r`, `\t`, else `\u{…}`.
func visibleText(_ s: String) -> String {
  guard s.unicodeScalars.contains(where: isInvisible) else { return s }
  var out = ""
  for u in s.unicodeScalars {
    guard isInvisible(u) else {
      out.unicodeScalars.append(u)
      continue
    }
    switch u {
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default: out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
    }
  }
  return out
}

/// The text cut to at most `width` terminal columns, ending in `…` when cut; a character is
/// never split. Linear in the text's length.
func truncated(_ s: String, toWidth width: Int) -> String {
  guard terminalWidth(of: s) > width else { return s }
  var used = 0
  var out = ""
  for c in s {
    let w = terminalWidth(of: String(c))
    if used + w > width - 1 { break }
    used += w
    out.append(c)
  }
  return out + "…"
}
