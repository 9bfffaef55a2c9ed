import Foundation

extension Render {
  /// A value as people read it: `1.53%`, `18.5 h`, `12,345`, times in the session zone.
  public static func display(_ v: Value, format: ValueFormat?, zone: Zone) -> String {
    switch (v, format) {
    case (.null, _): return "null"
    case (_, .percent?):
      guard let d = v.double else { break }
      return grouped(fixed(d * 100, 2)) + "%"
    case (_, .integer?):
      guard let d = v.double else { break }
      return grouped(fixed(d.rounded(.toNearestOrAwayFromZero), 0))
    case (_, .number?):
      guard let d = v.double else { break }
      // Two decimals, one from 100 up (as rounded: 99.995 shows as 100.0).
      let two = fixed(d, 2)
      return grouped(abs(Double(two) ?? d) >= 100 ? fixed(d, 1) : two)
    case (.duration(let us), _): return humanDuration(Double(us) / 1e6)
    case (_, .duration?):
      guard let d = v.double else { break }
      return humanDuration(d)
    default: break
    }
    switch v {
    case .number(let d):
      if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
      let a = abs(d)
      if a >= 1 && a < 1e15 { return trimZeros(fixed(d, 4)) }
      // Below 1: six significant digits, written out (0.000012345) down to 1e-12.
      if a < 1 && a >= 1e-12 { return trimZeros(fixed(d, 5 - Int(log10(a).rounded(.down)))) }
      return String(format: "%.6g", d)
    case .time(let t): return zone.iso(t)
    default: return v.description
    }
  }

  /// `45 s`, `12.5 min`, `18.5 h`, `3.2 d`.
  public static func humanDuration(_ seconds: Double) -> String {
    let a = abs(seconds)
    if a < 60 { return trimZeros(fixed(seconds, 2)) + " s" }
    if a < 3600 { return trimZeros(fixed(seconds / 60, 2)) + " min" }
    if a < 86400 * 2 { return trimZeros(fixed(seconds / 3600, 2)) + " h" }
    return trimZeros(fixed(seconds / 86400, 2)) + " d"
  }

  static func fixed(_ d: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", d) }

  static func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var t = s
    while t.hasSuffix("0") { t.removeLast() }
    if t.hasSuffix(".") { t.removeLast() }
    return t
  }

  /// Thousands separators: `12,345.6`.
  public static func grouped(_ s: String) -> String {
    var intPart = s
    var frac = ""
    if let dot = s.firstIndex(of: ".") {
      intPart = String(s[..<dot])
      frac = String(s[dot...])
    }
    let neg = intPart.hasPrefix("-")
    if neg { intPart.removeFirst() }
    var out = ""
    for (i, c) in intPart.reversed().enumerated() {
      if i > 0 && i % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return (neg ? "-" : "") + String(out.reversed()) + frac
  }
}
