import Foundation
import Tally

/// Small terminal charts of a result grouped by a time grain: horizontal bars for a few
/// periods, a sparkline for many. Periods with no rows are filled in, so that time runs evenly.
enum Chart {
  /// Bars up to this many periods; a sparkline beyond.
  static let maxBars = 20
  static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
  static let ticks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// At most this many periods are filled in; a longer range is drawn with its periods that have rows only.
  static let maxFilled = 5000

  /// A chart of a value grouped by one time grain, or nil when it does not chart
  /// (fewer than two periods, or values that are not numbers or durations).
  /// `width` is the widest a bar may be; `columns`, when known, the terminal's width, which
  /// the lines are fitted into.
  static func render(_ g: GroupedValue, grain: Period, format: ValueFormat?, zone: Zone, width: Int, columns: Int? = nil) -> String? {
    let (points, filled) = series(g, grain: grain, zone: zone)
    let numbers = points.map { magnitude($0.value) }
    guard points.count >= 2, numbers.contains(where: { $0 != nil }) else { return nil }
    let all = points.map { $0.value }
    guard all.allSatisfy({ $0.isNull || magnitude($0) != nil }) else { return nil }
    let drawn = points.map { ($0.label, $0.value, numbers[$0.index]) }
    var out =
      points.count <= maxBars
      ? bars(drawn, format: format, zone: zone, width: width, columns: columns)
      : sparkline(drawn, format: format, zone: zone, width: width, columns: columns)
    if !filled {
      out += "(periods with no rows are left out: more than \(Render.grouped(String(maxFilled))) \(grain.rawValue)s from first to last)\n"
    }
    return out
  }

  /// The periods from the first to the last key, each with its value (the fallback where
  /// no rows fell), and whether the periods with no rows could be filled in (not beyond
  /// `maxFilled` periods; keys that cannot be read as periods are kept as they are).
  /// A label comes once even when two periods share it (the hour repeated when clocks go back).
  static func series(_ g: GroupedValue, grain: Period, zone: Zone) -> (points: [(index: Int, label: String, value: Value)], filled: Bool) {
    let rows = g.sortedRows.compactMap { r -> (String, Value)? in
      guard r.key.count == 1, case .string(let label) = r.key[0] else { return nil }
      return (label, r.value)
    }
    var labels = rows.map(\.0)
    var complete = true
    if let first = rows.first?.0, let last = rows.last?.0, let start = periodStart(first, grain, zone) {
      var filled: [String] = []
      var t = start
      let step =
        grain == .hour
        ? DurationLiteral(micros: 3_600_000_000)
        : grain == .day ? DurationLiteral(days: 1) : grain == .week ? DurationLiteral(days: 7) : DurationLiteral(months: 1)
      // A label past the last one ends it too (a step that skips it cannot loop forever).
      while filled.count <= maxFilled, t != Time.outOfRange {
        let label = zone.label(grain, t)
        if label > last { break }
        if label != filled.last { filled.append(label) }
        if label == last { break }
        t = zone.add(step, to: t)
      }
      if filled.last == last, filled.count <= maxFilled {
        // Keys the walk did not meet (none expected) keep their place.
        let known = Set(filled)
        labels = labels.contains(where: { !known.contains($0) }) ? Array(Set(filled + labels)).sorted() : filled
      } else {
        complete = false
      }
    }
    return (labels.enumerated().map { i, l in (i, l, g.values[[.string(l)]] ?? g.fallback) }, complete)
  }

  /// A value as a number to draw: numbers, ints, durations in seconds.
  static func magnitude(_ v: Value) -> Double? {
    switch v {
    case .int, .number: return v.double
    case .duration(let us): return Double(us) / 1e6
    default: return nil
    }
  }

  /// Horizontal bars from zero. With negative values, a zero axis `│` splits the width in
  /// proportion to the range below and above zero; negative bars grow left from it.
  static func bars(_ points: [(String, Value, Double?)], format: ValueFormat?, zone: Zone, width: Int, columns: Int? = nil) -> String {
    let labelWidth = points.map { Render.displayWidth($0.0) }.max() ?? 0
    let numbers = points.compactMap(\.2)
    let top = numbers.map { Swift.max(0, $0) }.max() ?? 0
    let bottom = numbers.map { Swift.min(0, $0) }.min() ?? 0
    let shown = points.map { Render.display($0.1, format: format, zone: zone) }
    let valueWidth = shown.map(Render.displayWidth).max() ?? 0
    var width = width
    // label, two spaces, bars, two spaces, value; one column spare so the line never wraps.
    if let columns { width = Swift.max(4, Swift.min(width, columns - labelWidth - valueWidth - 5)) }
    var out = ""
    if bottom < 0 {
      // Columns left of the axis, right of it.
      let span = top - bottom
      let left = Swift.max(1, Int((-bottom / span * Double(width - 1)).rounded()))
      let right = Swift.max(0, width - 1 - left)
      for (i, (label, _, n)) in points.enumerated() {
        var neg = ""
        var pos = ""
        if let n, n < 0 {
          let cells = Int((-n / -bottom * Double(left)).rounded())
          neg = cells == 0 ? "▕" : String(repeating: "█", count: cells)
        } else if let n, n > 0, top > 0, right > 0 {
          let cells = Int((n / top * Double(right) * 8).rounded())
          pos = String(repeating: "█", count: cells / 8) + eighths[cells % 8]
          if pos.isEmpty { pos = "▏" }
        }
        let pad = String(repeating: " ", count: labelWidth - Render.displayWidth(label))
        let lead = String(repeating: " ", count: Swift.max(0, left - neg.count))
        let gap = String(repeating: " ", count: Swift.max(0, right + 2 - pos.count))
        let valuePad = String(repeating: " ", count: valueWidth - Render.displayWidth(shown[i]))
        out += "\(label)\(pad)  \(lead)\(neg)│\(pos)\(gap)\(valuePad)\(shown[i])\n"
      }
      return out
    }
    for (i, (label, _, n)) in points.enumerated() {
      var bar = ""
      if let n, top > 0, n > 0 {
        let cells = Int((n / top * Double(width) * 8).rounded())
        bar = String(repeating: "█", count: cells / 8) + eighths[cells % 8]
        if bar.isEmpty { bar = "▏" }
      }
      let pad = String(repeating: " ", count: labelWidth - Render.displayWidth(label))
      let gap = String(repeating: " ", count: Swift.max(0, width + 2 - bar.count))
      let valuePad = String(repeating: " ", count: valueWidth - Render.displayWidth(shown[i]))
      out += "\(label)\(pad)  \(bar)\(gap)\(valuePad)\(shown[i])\n"
    }
    return out
  }

  static func sparkline(_ points: [(String, Value, Double?)], format: ValueFormat?, zone: Zone, width: Int, columns: Int? = nil) -> String {
    let values = points.compactMap(\.2)
    guard let lo = values.min(), let hi = values.max() else { return "" }
    let labelWidth = points.map { Render.displayWidth($0.0) }.max() ?? 0
    var perLine = Swift.max(8, width * 3 / 2)
    if let columns { perLine = Swift.max(8, Swift.min(perLine, columns - labelWidth - 3)) }
    var out = ""
    var i = 0
    while i < points.count {
      let chunk = points[i..<Swift.min(points.count, i + perLine)]
      let label = chunk.first!.0
      let pad = String(repeating: " ", count: labelWidth - Render.displayWidth(label))
      let line = String(
        chunk.map { p -> Character in
          guard let n = p.2 else { return " " }
          if hi == lo { return n == 0 ? ticks[0] : ticks[3] }  // all zero lies flat
          return ticks[Swift.min(7, Int((n - lo) / (hi - lo) * 7.999))]
        })
      out += "\(label)\(pad)  \(line)\n"
      i += perLine
    }
    let minPoint = points.first { $0.2 == lo }!
    let maxPoint = points.first { $0.2 == hi }!
    let blank = String(repeating: " ", count: labelWidth + 2)
    out += "\(blank)min \(Render.display(minPoint.1, format: format, zone: zone)) (\(minPoint.0)), "
    out += "max \(Render.display(maxPoint.1, format: format, zone: zone)) (\(maxPoint.0))"
    // The latest period: where a KPI stands now.
    if let last = points.last { out += ", last \(Render.display(last.1, format: format, zone: zone)) (\(last.0))" }
    return out + "\n"
  }

  /// The start of the period a label (`2024-06-30T13`, `2024-06-30`, `2024-W26`, `2024-06`) names.
  static func periodStart(_ label: String, _ grain: Period, _ zone: Zone) -> Int64? {
    let text: String
    switch grain {
    case .hour: text = label + ":00"
    case .day: text = label + "T00:00"
    case .month: text = label + "-01T00:00"
    case .week:
      let parts = label.split(separator: "-")
      guard parts.count == 2, let y = Int(parts[0]), parts[1].hasPrefix("W"), let w = Int(parts[1].dropFirst()) else { return nil }
      let jan4 = daysFromCivil(y, 1, 4)
      let monday = jan4 - ((jan4 % 7 + 7 + 3) % 7) + Int64(w - 1) * 7
      let (yy, mm, dd) = civilFromDays(monday)
      text = String(format: "%04d-%02d-%02dT00:00", yy, mm, dd)
    default: return nil
    }
    guard let i = Instant(text) else { return nil }
    return i.resolve(zone)
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date.
  static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
    let y = Int64(m <= 2 ? y0 - 1 : y0)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * Int64((m + 9) % 12) + 2) / 5 + Int64(d) - 1
    return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
  }

  /// The proleptic Gregorian date of a day number.
  static func civilFromDays(_ z0: Int64) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (Int(m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400), Int(m), Int(d))
  }
}
