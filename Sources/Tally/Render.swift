import Foundation

/// Turns results into text: JSON, CSV and human tables.
public enum Render {
  /// `{"as_of": ..., "value": V}` or `{"as_of": ..., "columns": [...], "rows": [...]}`.
  public static func json(_ e: Evaluation, zone: Zone) -> String {
    "{\"as_of\": \(jsonString(zone.iso(e.asOf))), \(jsonBody(e.value, zone: zone))}"
  }

  /// The `"value": V` or `"columns": ..., "rows": ...` members.
  public static func jsonBody(_ v: MetricValue, zone: Zone) -> String {
    switch v {
    case .scalar(let s): return "\"value\": \(jsonValue(s, zone: zone))"
    case .grouped(let g):
      return "\"columns\": \(jsonColumns(g)), \"rows\": \(jsonRows(g, zone: zone))"
    }
  }

  /// `{"columns": [...], "rows": [...]}` for a grouped value, or the scalar JSON value.
  public static func jsonValueOrTable(_ v: MetricValue, zone: Zone) -> String {
    switch v {
    case .scalar(let s): return jsonValue(s, zone: zone)
    case .grouped(let g): return "{\"columns\": \(jsonColumns(g)), \"rows\": \(jsonRows(g, zone: zone))}"
    }
  }

  static func jsonColumns(_ g: GroupedValue) -> String {
    "[" + (g.keyNames + ["value"]).map(jsonString).joined(separator: ", ") + "]"
  }

  static func jsonRows(_ g: GroupedValue, zone: Zone) -> String {
    "["
      + g.sortedRows.map { row in "[" + (row.key + [row.value]).map { jsonValue($0, zone: zone) }.joined(separator: ", ") + "]" }.joined(
        separator: ", ") + "]"
  }

  /// A JSON value: numbers as numbers, durations as seconds, times as ISO 8601 in the zone.
  public static func jsonValue(_ v: Value, zone: Zone) -> String {
    switch v {
    case .null: return "null"
    case .int(let i): return String(i)
    case .number(let d): return jsonNumber(d)
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return jsonString(s)
    case .time(let t): return jsonString(zone.iso(t))
    case .duration(let d): return d % 1_000_000 == 0 ? String(d / 1_000_000) : jsonNumber(Double(d) / 1e6)
    }
  }

  static func jsonNumber(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
  }

  /// A JSON string literal.
  public static func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }

  /// CSV with a header: `value`, or the key columns and `value`.
  public static func csv(_ e: Evaluation, zone: Zone) -> String {
    func field(_ v: Value) -> String {
      let s: String
      switch v {
      case .null: return ""
      case .time(let t): s = zone.iso(t)
      case .duration(let d): s = formatNumber(Double(d) / 1e6)
      case .number(let d): s = "\(d)".hasSuffix(".0") ? formatNumber(d) : "\(d)"
      default: s = v.description
      }
      if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      }
      return s
    }
    switch e.value {
    case .scalar(let v): return "value\n\(field(v))\n"
    case .grouped(let g):
      var out = (g.keyNames + ["value"]).map { field(.string($0)) }.joined(separator: ",") + "\n"
      for row in g.sortedRows { out += (row.key + [row.value]).map(field).joined(separator: ",") + "\n" }
      return out
    }
  }

  /// A human table: a scalar alone, a grouped value as aligned columns.
  /// With `maxRows`, a longer table shows its first and last rows around a line that says
  /// how many are left out.
  public static func table(_ e: Evaluation, zone: Zone, maxRows: Int? = nil) -> String {
    switch e.value {
    case .scalar(let v): return display(v, format: e.format, zone: zone) + "\n"
    case .grouped(let g):
      let header = g.keyNames + ["value"]
      var sorted = g.sortedRows
      let head = (maxRows ?? sorted.count) / 2
      let omitted = maxRows.map { max(0, sorted.count - $0) } ?? 0
      if omitted > 0 { sorted = Array(sorted.prefix(head) + sorted.suffix(maxRows! - head)) }
      let rows = sorted.map { r in
        r.key.map { display($0, format: nil, zone: zone) } + [display(r.value, format: e.format, zone: zone)]
      }
      let table = alignedTable(header: header, rows: rows, rightAlign: [header.count - 1])
      guard omitted > 0 else { return table }
      // The header, its rule and the first rows; a line for the rows left out; the last rows.
      var lines = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      lines.insert(
        "… \(grouped(String(omitted))) more row\(omitted == 1 ? "" : "s") (\(grouped(String(g.values.count))) in all) …", at: 2 + head)
      return lines.joined(separator: "\n")
    }
  }

  /// Columns padded to their widest cell (by terminal width: CJK counts two).
  public static func alignedTable(header: [String], rows: [[String]], rightAlign: Set<Int> = []) -> String {
    var widths = header.map(displayWidth)
    for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(c)) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in
        let pad = String(repeating: " ", count: max(0, widths[i] - displayWidth(c)))
        return rightAlign.contains(i) ? pad + c : (i == cells.count - 1 ? c : c + pad)
      }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    var out = line(header) + "\n"
    out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for r in rows { out += line(r) + "\n" }
    return out
  }

  /// Terminal columns a string takes.
  public static func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
      let v = u.value
      if u.properties.generalCategory == .nonspacingMark || v == 0x200D || (0xFE00...0xFE0F).contains(v) { return w }
      let wide =
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
        || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
        || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
      return w + (wide ? 2 : 1)
    }
  }

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
